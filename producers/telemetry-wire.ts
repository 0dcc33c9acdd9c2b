import { SluiceError } from '../lib/errors.ts';
import type { ReasonCode, Refusal } from '../lib/reasons.ts';
import type { RawReadingInput } from '../schemas/raw-telemetry-reading.ts';

/**
 * The device wire conventions shared by the HTTP gateway, the MQTT bridge and the file import:
 * finding the readings in JSON, NDJSON and CSV without losing their original bytes, and
 * parsing just enough of each (device, metric, value, unit, time) to key and route it.
 * Validation proper is the validation stage's (lib/telemetry/validate.ts), run on the raw reading.
 */

/** Where a JSON or CSV input went wrong, in terms a device maker can act on. */
export interface InputProblem {
  error: 'malformed_json' | 'json_too_deep' | 'malformed_csv' | 'too_many_items';
  message: string;
  /** Byte offset in the body or file, 0-based. */
  position?: number;
  line?: number;
  column?: number;
}

export class InputError extends SluiceError {
  constructor(readonly problem: InputProblem) {
    super('ING_VALIDATION_FAILED', problem.message);
  }
}

/** One element found in a JSON input, with its exact bytes. */
export interface JsonElement {
  index: number;
  /** Byte offset of the element in the whole input. */
  start: number;
  bytes: Buffer;
  /** Set when the element was larger than the limit: its bytes were not kept. */
  size?: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

export function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The bytes without leading and trailing JSON whitespace, as a view: nothing is decoded, so nothing is rewritten. */
export function trimSpace(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start] as number)) start++;
  while (end > start && isSpace(bytes[end - 1] as number)) end--;
  return bytes.subarray(start, end);
}

/**
 * csv-parse options shared by the gateway and the file import. Fields and the raw record come as
 * bytes (`encoding: null`): the record's original bytes are kept verbatim (decoding and re-encoding
 * would turn invalid UTF-8 into U+FFFD), and only the fields are decoded (`csvText`).
 */
export function csvParseOptions(maxRecordBytes: number) {
  return {
    bom: true,
    raw: true,
    info: true,
    encoding: null,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: maxRecordBytes,
  } as const;
}

/** One parsed CSV record as csv-parse hands it out with `csvParseOptions`. */
export interface CsvRecord {
  record: Buffer[];
  raw: Buffer;
  info: { lines: number };
}

/** The header's bytes as the first line of every row's payload (a row's payload is the header plus the row). */
export function csvHeaderLine(raw: Buffer): Buffer {
  return raw[raw.length - 1] === 0x0a ? raw : Buffer.concat([raw, Buffer.from('\n')]);
}

/** The fields of a CSV record as text (invalid UTF-8 becomes U+FFFD here, never in the kept bytes). */
export function csvText(record: Buffer[]): string[] {
  return record.map((field) => field.toString('utf8'));
}

type SplitterState = 'start' | 'value' | 'afterValue' | 'end';

/**
 * Splits a JSON document that is either one value (an object) or an array of values into its
 * top-level elements, incrementally (a file of gigabytes passes through in chunks) and keeping
 * each element's original bytes. It checks the structure and the nesting depth only; each
 * element is then parsed on its own (`parseJsonElement`).
 */
export class JsonSplitter {
  private state: SplitterState = 'start';
  private arrayMode = false;
  private offset = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private elementStart = -1;
  private elementEnd = -1;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private oversize = false;
  private count = 0;
  private expectingAfterComma = false;
  private pendingError?: InputError;

  constructor(private readonly limits: { maxDepth: number; maxElementBytes: number; maxElements?: number }) {}

  /** Feeds the next chunk; returns the elements completed in it. Throws InputError on a structural problem. */
  push(chunk: Buffer): JsonElement[] {
    if (this.pendingError) throw this.pendingError;
    const elements: JsonElement[] = [];
    try {
      this.scan(chunk, elements);
    } catch (err) {
      // the elements completed before the problem are good: hand them out, fail on the next call
      if (elements.length === 0 || !(err instanceof InputError)) throw err;
      this.pendingError = err;
    }
    return elements;
  }

  private scan(chunk: Buffer, elements: JsonElement[]): void {
    let segmentStart = this.elementStart >= 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          this.elementEnd = this.offset + i + 1;
        }
        continue;
      }
      if (this.elementStart >= 0) {
        // inside an element
        if (byte === QUOTE) {
          this.inString = true;
        } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
          this.depth++;
          if (this.depth + (this.arrayMode ? 1 : 0) > this.limits.maxDepth) {
            throw new InputError({
              error: 'json_too_deep',
              message: `JSON is nested deeper than ${this.limits.maxDepth} levels at byte ${this.offset + i}`,
              position: this.offset + i,
            });
          }
        } else if (byte === CLOSE_BRACE || (byte === CLOSE_BRACKET && this.depth > 0)) {
          this.depth--;
          if (this.depth < 0) this.fail(this.offset + i, `unexpected '}'`);
        } else if (this.depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET)) {
          if (!this.arrayMode) this.fail(this.offset + i, `unexpected '${String.fromCharCode(byte)}'`);
          elements.push(this.finishElement(chunk, segmentStart, i));
          segmentStart = -1;
          this.state = byte === COMMA ? 'value' : 'end';
          if (byte === COMMA) this.expectingAfterComma = true;
          continue;
        }
        if (!isSpace(byte)) this.elementEnd = this.offset + i + 1;
        if (this.depth === 0 && !this.arrayMode && byte === CLOSE_BRACE) {
          elements.push(this.finishElement(chunk, segmentStart, i + 1));
          segmentStart = -1;
          this.state = 'end';
        }
        continue;
      }
      if (isSpace(byte)) continue;
      const position = this.offset + i;
      switch (this.state) {
        case 'start':
          if (byte === OPEN_BRACKET) {
            this.arrayMode = true;
            this.state = 'value';
          } else if (byte === OPEN_BRACE) {
            this.startElement(position, byte);
            segmentStart = i;
          } else this.fail(position, 'expected a JSON object or an array of objects');
          break;
        case 'value':
          if (byte === CLOSE_BRACKET && !this.expectingAfterComma) {
            this.state = 'end';
          } else if (byte === CLOSE_BRACKET || byte === COMMA) {
            this.fail(position, `unexpected '${String.fromCharCode(byte)}' where an array element belongs`);
          } else {
            this.startElement(position, byte);
            segmentStart = i;
            if (byte === QUOTE) this.inString = true;
          }
          break;
        case 'end':
          this.fail(position, 'unexpected data after the end of the JSON document');
      }
    }
    if (this.elementStart >= 0 && segmentStart >= 0) this.keep(chunk.subarray(segmentStart));
    this.offset += chunk.length;
  }

  /** Call after the last chunk: throws when the document is incomplete. */
  end(): void {
    if (this.pendingError) throw this.pendingError;
    if (this.state !== 'end' || this.inString) {
      this.fail(this.offset, 'unexpected end of JSON input');
    }
  }

  private startElement(position: number, byte: number): void {
    this.count++;
    if (this.limits.maxElements !== undefined && this.count > this.limits.maxElements) {
      throw new InputError({
        error: 'too_many_items',
        message: `more than ${this.limits.maxElements} readings in one request`,
      });
    }
    this.elementStart = position;
    this.elementEnd = position + 1;
    this.expectingAfterComma = false;
    this.depth = byte === OPEN_BRACE || byte === OPEN_BRACKET ? 1 : 0;
    this.parts = [];
    this.partBytes = 0;
    this.oversize = false;
  }

  private keep(segment: Buffer): void {
    if (this.oversize) return;
    this.partBytes += segment.length;
    if (this.partBytes > this.limits.maxElementBytes + 64) {
      // keep counting, stop keeping: memory stays bounded whatever the element's size
      this.oversize = true;
      this.parts = [];
      return;
    }
    // a chunk is reused by its reader: copy what must outlive it
    this.parts.push(Buffer.from(segment));
  }

  private finishElement(chunk: Buffer, segmentStart: number, endInChunk: number): JsonElement {
    const start = this.elementStart;
    const size = this.elementEnd - start;
    let bytes: Buffer;
    if (this.parts.length === 0 && segmentStart >= 0 && !this.oversize) {
      // the whole element is in this chunk: no copy
      bytes = chunk.subarray(segmentStart, segmentStart + size);
    } else {
      if (segmentStart >= 0) this.keep(chunk.subarray(segmentStart, endInChunk));
      bytes = this.oversize ? Buffer.alloc(0) : Buffer.concat(this.parts).subarray(0, size);
    }
    const element: JsonElement = { index: this.count - 1, start, bytes };
    if (size > this.limits.maxElementBytes) {
      element.size = size;
      element.bytes = Buffer.alloc(0);
    }
    this.elementStart = -1;
    this.parts = [];
    this.depth = 0;
    return element;
  }

  private fail(position: number, message: string): never {
    throw new InputError({ error: 'malformed_json', message: `${message} at byte ${position}`, position });
  }
}

/** Parses one element; a syntax error names its byte position in the whole input. */
export function parseJsonElement(element: JsonElement): unknown {
  const text = element.bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    const { offset, expected } = locateJsonError(text);
    const position = element.start + Buffer.byteLength(text.slice(0, offset));
    throw new InputError({
      error: 'malformed_json',
      message: `malformed JSON at byte ${position}: ${expected}`,
      position,
    });
  }
}

/**
 * Finds where and why a JSON text is invalid (V8's messages do not always carry a position).
 * Only called on the error path; depth is already bounded by the splitter.
 */
export function locateJsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected };
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('expected a JSON value');
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const char = text[i] as string;
      if (char === '"') {
        i++;
        return;
      }
      if (char < ' ') fail('control character in string');
      if (char === '\\') {
        const next = text[i + 1] ?? '';
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next) || next === '') fail('invalid escape');
        i += 2;
        continue;
      }
      i++;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match?.[0]) fail('expected a JSON value');
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('expected a double-quoted property name');
        string();
        space();
        if (text[i] !== ':') fail("expected ':' after the property name");
        i++;
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}' after a property value");
      }
    }
    if (char === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']' after an array element");
      }
    }
    if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === undefined) fail('unexpected end of JSON input');
    else number();
  };
  try {
    value();
    space();
    if (i < text.length) fail('unexpected data after the JSON value');
    return { offset: text.length, expected: 'invalid JSON' };
  } catch (problem) {
    return problem as { offset: number; expected: string };
  }
}

/** 1-based line and column of a byte offset, for error answers. */
export function lineAndColumn(input: Buffer, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, input.length);
  for (let i = 0; i < end; i++) {
    if (input[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: input.toString('utf8', lineStart, end).length + 1 };
}

export type ReadingFields = Pick<
  RawReadingInput,
  'deviceId' | 'siteId' | 'metric' | 'value' | 'unit' | 'sourceTime' | 'messageId'
>;

/** A reading the wire cannot even route: the reason the validation stage would give, and why. */
export type ItemRefusal = { reason: ReasonCode; message: string };

export type FieldsResult = { ok: true; fields: ReadingFields } | ({ ok: false } & Refusal);

class FieldRefusal extends Error {
  constructor(
    readonly reason: ReasonCode,
    message: string,
  ) {
    super(message);
  }
}

/** The validation reason for a field of the wrong type: what the stage says of a bad value there. */
const wrongTypeReasons: Record<string, ReasonCode> = { unit: 'unit_unknown', ts: 'time_invalid' };

/**
 * A field's value given as read (`record.deviceId`, not `record[name]`): one keyed load site for six
 * names was 4.4% of the MQTT bridge's drain profile, named loads at the calls 1.5%.
 */
function identifier(raw: unknown, name: string, required: boolean): string | null {
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw new FieldRefusal('field_missing', `${name} is missing`);
    return null;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    throw new FieldRefusal(wrongTypeReasons[name] ?? 'id_invalid', `${name} must be a string or a number`);
  }
  return String(raw);
}

/**
 * A number as sent, or null when the field holds none (the processor rejects it with the original
 * kept). NaN and infinities stay what they are (JSON's 1e999 parses as Infinity): the validation
 * stage names them value_not_finite.
 */
export function numericValue(raw: unknown): number | null {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const value = Number(raw);
    return Number.isNaN(value) && !/^\s*[+-]?nan\s*$/i.test(raw) ? null : value;
  }
  return null;
}

/**
 * The routing fields of a JSON reading `{deviceId, siteId?, metric, value, unit?, ts?, messageId?}`.
 * `defaults` fills what the transport already says (the MQTT topic names device and metric).
 */
export function readingFields(value: unknown, defaults: Partial<ReadingFields> = {}): FieldsResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'reading_malformed', message: 'a reading must be a JSON object' };
  }
  const record = value as Record<string, unknown>;
  try {
    return {
      ok: true,
      fields: {
        deviceId:
          identifier(record.deviceId, 'deviceId', defaults.deviceId === undefined) ?? defaults.deviceId ?? '',
        siteId: identifier(record.siteId, 'siteId', false) ?? defaults.siteId ?? null,
        metric: identifier(record.metric, 'metric', defaults.metric === undefined) ?? defaults.metric ?? '',
        value: numericValue(record.value),
        unit: identifier(record.unit, 'unit', false) ?? defaults.unit ?? null,
        sourceTime: identifier(record.ts, 'ts', false) ?? defaults.sourceTime ?? null,
        messageId: identifier(record.messageId, 'messageId', false) ?? defaults.messageId ?? null,
      },
    };
  } catch (err) {
    if (!(err instanceof FieldRefusal)) throw err;
    return { ok: false, reason: err.reason, message: err.message };
  }
}

/**
 * One NDJSON line (already known not to be blank): its routing fields and trimmed bytes, or why
 * it is refused. Lines are independent, so a bad line names its line and column and the others go on.
 */
export function ndjsonLine(
  bytes: Buffer,
  line: number,
  limits: { maxReadingBytes: number; maxJsonDepth: number },
): { payload: Buffer } & ({ fields: ReadingFields } | ItemRefusal) {
  const payload = trimSpace(bytes);
  if (payload.length > limits.maxReadingBytes) {
    return { payload: Buffer.alloc(0), ...readingTooLarge(payload.length, limits.maxReadingBytes) };
  }
  if (payload[0] !== OPEN_BRACE) {
    return { payload, reason: 'reading_malformed', message: 'a reading must be a JSON object' };
  }
  try {
    const splitter = new JsonSplitter({
      maxDepth: limits.maxJsonDepth,
      maxElementBytes: limits.maxReadingBytes,
    });
    const [element] = splitter.push(bytes);
    splitter.end();
    const parsed = readingFields(parseJsonElement(element as JsonElement));
    return parsed.ok
      ? { payload, fields: parsed.fields }
      : { payload, reason: parsed.reason, message: parsed.message };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const column = (err.problem.position ?? 0) + 1;
    const why = err.problem.message.replace(/ at byte \d+/, '').replace(/^malformed JSON: /, '');
    return {
      payload,
      reason: 'reading_malformed',
      message: `malformed JSON at line ${line} column ${column}: ${why}`,
    };
  }
}

/** The refusal of a reading larger than the transport takes. */
export function readingTooLarge(size: number, limit: number): ItemRefusal {
  return { reason: 'payload_too_large', message: `the reading is ${size} bytes; the limit is ${limit}` };
}

/** Column names a CSV header may use for the key columns (case and `_`/`-` are ignored). */
const keyColumnAliases: Record<keyof Omit<ReadingFields, 'value' | 'unit' | 'metric'>, string[]> = {
  deviceId: ['deviceid', 'device'],
  siteId: ['siteid', 'site'],
  sourceTime: ['ts', 'timestamp', 'time'],
  messageId: ['messageid'],
};

function normalizeColumn(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[_\-\s]/g, '');
}

/** A metric column of a wide CSV: `temperature [degC]` or `temperature (degC)`, or a plain name with an optional `<name>_unit` column. */
interface MetricColumn {
  index: number;
  metric: string;
  unit: string | null;
  unitColumn?: number;
}

export type CsvLayout =
  | {
      kind: 'long';
      keys: Partial<Record<keyof typeof keyColumnAliases, number>>;
      metric: number;
      value: number;
      unit?: number;
      width: number;
    }
  | {
      kind: 'wide';
      keys: Partial<Record<keyof typeof keyColumnAliases, number>>;
      metrics: MetricColumn[];
      width: number;
    };

/**
 * Reads a CSV header. Long form: a `metric` and a `value` column (and `unit`), one reading per row.
 * Wide form: every column that is not a key column is a metric, its unit in the header
 * (`temperature [degC]`) or in a `<metric>_unit` column; one reading per non-empty cell.
 */
export function csvLayout(header: string[]): CsvLayout {
  const normalized = header.map(normalizeColumn);
  const keys: Partial<Record<keyof typeof keyColumnAliases, number>> = {};
  const used = new Set<number>();
  for (const [field, aliases] of Object.entries(keyColumnAliases)) {
    const index = normalized.findIndex((name) => aliases.includes(name));
    if (index >= 0) {
      keys[field as keyof typeof keyColumnAliases] = index;
      used.add(index);
    }
  }
  if (keys.deviceId === undefined) {
    throw new InputError({
      error: 'malformed_csv',
      message: `the CSV header needs a deviceId column; it has ${header.map((h) => JSON.stringify(h)).join(', ')}`,
      line: 1,
    });
  }
  const metric = normalized.indexOf('metric');
  const value = normalized.indexOf('value');
  if (metric >= 0 && value >= 0) {
    const unit = normalized.indexOf('unit');
    return { kind: 'long', keys, metric, value, unit: unit >= 0 ? unit : undefined, width: header.length };
  }
  const unitColumns = new Map<string, number>();
  header.forEach((name, index) => {
    const match = /^(.*?)[_.\s-]unit$/i.exec(name.trim());
    if (match?.[1] && !used.has(index)) {
      unitColumns.set(match[1].trim().toLowerCase(), index);
      used.add(index);
    }
  });
  const metrics: MetricColumn[] = [];
  header.forEach((name, index) => {
    if (used.has(index) || !name.trim()) return;
    const match = /^(.*?)\s*(?:\[([^\]]*)\]|\(([^)]*)\))\s*$/.exec(name.trim());
    const metricName = (match?.[1] ?? name).trim();
    const unit = match ? (match[2] ?? match[3] ?? '').trim() || null : null;
    metrics.push({ index, metric: metricName, unit, unitColumn: unitColumns.get(metricName.toLowerCase()) });
  });
  if (metrics.length === 0) {
    throw new InputError({
      error: 'malformed_csv',
      message: 'the CSV header names no metric: give metric and value columns, or one column per metric',
      line: 1,
    });
  }
  return { kind: 'wide', keys, metrics, width: header.length };
}

function cell(record: string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const text = (record[index] ?? '').trim();
  return text === '' ? null : text;
}

/** The readings of one CSV row (one in long form, one per filled metric cell in wide form), or why the row is refused. */
export function csvRowFields(
  layout: CsvLayout,
  record: string[],
): { ok: true; readings: ReadingFields[] } | ({ ok: false } & ItemRefusal) {
  if (record.length !== layout.width) {
    return {
      ok: false,
      reason: 'reading_malformed',
      message: `the row has ${record.length} fields, the header ${layout.width}`,
    };
  }
  const deviceId = cell(record, layout.keys.deviceId);
  if (!deviceId) return { ok: false, reason: 'field_missing', message: 'deviceId is missing' };
  const common = {
    deviceId,
    siteId: cell(record, layout.keys.siteId),
    sourceTime: cell(record, layout.keys.sourceTime),
    messageId: cell(record, layout.keys.messageId),
  };
  if (layout.kind === 'long') {
    const metric = cell(record, layout.metric);
    if (!metric) return { ok: false, reason: 'field_missing', message: 'metric is missing' };
    return {
      ok: true,
      readings: [
        {
          ...common,
          metric,
          value: numericValue(cell(record, layout.value)),
          unit: cell(record, layout.unit),
        },
      ],
    };
  }
  const readings = layout.metrics.flatMap((column) => {
    const text = cell(record, column.index);
    if (text === null) return [];
    return [
      {
        ...common,
        metric: column.metric,
        value: numericValue(text),
        unit: cell(record, column.unitColumn) ?? column.unit,
      },
    ];
  });
  if (readings.length === 0) {
    return { ok: false, reason: 'value_missing', message: 'the row has no metric values' };
  }
  return { ok: true, readings };
}
