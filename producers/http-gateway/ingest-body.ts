import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import {
  type CsvRecord,
  csvHeaderLine,
  csvLayout,
  csvParseOptions,
  csvRowFields,
  csvText,
  InputError,
  type ItemRefusal,
  isSpace,
  JsonSplitter,
  lineAndColumn,
  ndjsonLine,
  parseJsonElement,
  type ReadingFields,
  readingFields,
  readingTooLarge,
} from '../telemetry-wire.ts';

export type IngestFormat = 'json' | 'ndjson' | 'csv';

export const contentTypes: Record<IngestFormat, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
};

/** One reading found in a request: its routing fields and original bytes, or why it is refused. */
export type IngestItem = {
  index: number;
  /** Line of the NDJSON or CSV body the reading came from. */
  line?: number;
  payload: Buffer;
} & ({ fields: ReadingFields } | ItemRefusal);

export interface IngestLimits {
  maxItems: number;
  maxReadingBytes: number;
  maxJsonDepth: number;
}

function tooMany(limits: IngestLimits): InputError {
  return new InputError({
    error: 'too_many_items',
    message: `more than ${limits.maxItems} readings in one request; split the batch`,
  });
}

/**
 * Finds the readings of a request body, keeping each one's original bytes. A body that is not
 * valid as a whole (malformed JSON, too deep, too many readings, unreadable CSV) throws an
 * InputError and nothing of it is published; an item that is no reading (malformed, too large) in a
 * good body is refused on its own.
 */
export function parseIngestBody(body: Buffer, format: IngestFormat, limits: IngestLimits): IngestItem[] {
  if (format === 'json') return jsonItems(body, limits);
  if (format === 'ndjson') return ndjsonItems(body, limits);
  return csvItems(body, limits);
}

function withLine(error: unknown, body: Buffer): unknown {
  if (error instanceof InputError && error.problem.position !== undefined) {
    Object.assign(error.problem, lineAndColumn(body, error.problem.position));
  }
  return error;
}

function jsonItems(body: Buffer, limits: IngestLimits): IngestItem[] {
  const splitter = new JsonSplitter({
    maxDepth: limits.maxJsonDepth,
    maxElementBytes: limits.maxReadingBytes,
    maxElements: limits.maxItems,
  });
  try {
    const elements = splitter.push(body);
    splitter.end();
    // one JSON.parse of the whole body is several times faster than one per element; only a
    // body that fails it is parsed element by element, to name the position of the problem
    let values: unknown[] | undefined;
    try {
      const whole: unknown = JSON.parse(body.toString('utf8'));
      values = Array.isArray(whole) ? whole : [whole];
    } catch {
      values = undefined;
    }
    return elements.map((element) => {
      if (element.size !== undefined) {
        return {
          index: element.index,
          payload: element.bytes,
          ...readingTooLarge(element.size, limits.maxReadingBytes),
        };
      }
      const parsed = readingFields(values ? values[element.index] : parseJsonElement(element));
      return parsed.ok
        ? { index: element.index, payload: element.bytes, fields: parsed.fields }
        : { index: element.index, payload: element.bytes, reason: parsed.reason, message: parsed.message };
    });
  } catch (err) {
    throw withLine(err, body);
  }
}

/** NDJSON lines are independent: a bad line is refused with its line and column, the others go on. */
function ndjsonItems(body: Buffer, limits: IngestLimits): IngestItem[] {
  const items: IngestItem[] = [];
  let lineStart = 0;
  for (let line = 1; lineStart < body.length; line++) {
    let lineEnd = body.indexOf(0x0a, lineStart);
    if (lineEnd < 0) lineEnd = body.length;
    const bytes = body.subarray(lineStart, lineEnd);
    lineStart = lineEnd + 1;
    if (bytes.every(isSpace)) continue;
    if (items.length >= limits.maxItems) throw tooMany(limits);
    items.push({ index: items.length, line, ...ndjsonLine(bytes, line, limits) });
  }
  return items;
}

function csvItems(body: Buffer, limits: IngestLimits): IngestItem[] {
  let records: CsvRecord[];
  try {
    records = parseCsv(body, csvParseOptions(limits.maxReadingBytes)) as unknown as CsvRecord[];
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines;
    throw new InputError({ error: 'malformed_csv', message: `malformed CSV: ${err.message}`, line });
  }
  const [header, ...rows] = records;
  if (!header) throw new InputError({ error: 'malformed_csv', message: 'the CSV body is empty', line: 1 });
  const layout = csvLayout(csvText(header.record));
  const headerBytes = csvHeaderLine(header.raw);
  const items: IngestItem[] = [];
  for (const row of rows) {
    const payload = Buffer.concat([headerBytes, row.raw]);
    const line = row.info.lines;
    const result = csvRowFields(layout, csvText(row.record));
    if (!result.ok) {
      if (items.length >= limits.maxItems) throw tooMany(limits);
      items.push({ index: items.length, line, payload, reason: result.reason, message: result.message });
      continue;
    }
    for (const fields of result.readings) {
      if (items.length >= limits.maxItems) throw tooMany(limits);
      items.push({ index: items.length, line, payload, fields });
    }
  }
  return items;
}
