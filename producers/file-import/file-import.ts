import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import type { Kafka, Message } from 'kafkajs';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { classifyError, describeError, SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger, newTraceId } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import type { ReasonCode } from '../../lib/reasons.ts';
import { retry } from '../../lib/retry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { type ValidationSettings, validationSettings } from '../../lib/telemetry/settings.ts';
import { validate } from '../../lib/telemetry/validate.ts';
import { RawTelemetryPublisher, readingFromFields } from '../raw-telemetry.ts';
import {
  type CsvRecord,
  csvHeaderLine,
  csvLayout,
  csvParseOptions,
  csvRowFields,
  csvText,
  InputError,
  type InputProblem,
  type ItemRefusal,
  isSpace,
  JsonSplitter,
  ndjsonLine,
  parseJsonElement,
  type ReadingFields,
  readingFields,
  readingTooLarge,
} from '../telemetry-wire.ts';
import { type FileImportSettings, fileImportSettings, type ImportFormat } from './config.ts';

const contentTypes: Record<ImportFormat, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
};

const extensions: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
};

export function formatOfFile(file: string): ImportFormat {
  const format = extensions[extname(file).toLowerCase()];
  if (!format) {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      `cannot tell the format of ${file} from its extension; name it .csv, .ndjson, .jsonl or .json, or pass --format`,
    );
  }
  return format;
}

/** Raw readings on their way to Kafka: the accepted ones and those the validation refused (kept for the DLQ). */
interface Batch {
  messages: Message[];
  accepted: number;
}

/** One reading found in the file, or why a row/line/element is refused. */
type FileItem = { line?: number; index: number; payload: Buffer } & ({ fields: ReadingFields } | ItemRefusal);

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  accepted: number;
  rejected: number;
}

export interface RejectionGroup {
  reason: ReasonCode;
  /** The first rejection's message, as the rejects file has it (line, column, sizes). */
  message: string;
  count: number;
}

export interface ImportSummary {
  file: string;
  format: ImportFormat;
  accepted: number;
  rejected: number;
  /** Rejections grouped by reason code (the reasons the DLQ would carry), most frequent first, each with its first message. */
  reasons: RejectionGroup[];
  /** Where the rejected rows were written, one JSON line each, when there were any. */
  rejectsFile?: string;
  seconds: number;
  readingsPerSecond: number;
  /** Set when the file could not be read to its end (the readings before it were imported). */
  error?: InputProblem;
  stopped: boolean;
}

/**
 * `sluice import telemetry FILE`: streams a CSV, NDJSON or JSON-array file of any size into the raw
 * topic in bounded memory (one batch being read while the previous one is sent). Every reading
 * passes the validation stage the telemetry processor runs; rejected rows go to
 * `FILE.rejected.ndjson` with the reason the DLQ carries (a refused reading is published all the
 * same and dead-lettered by the processor, to be replayed once fixed); a re-import gives every reading the
 * same eventId (see `reading`).
 */
export class TelemetryFileImport implements Component {
  readonly name = 'file-import';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  private readonly publisher: RawTelemetryPublisher;
  private readonly stopping = new AbortController();
  private readonly format: ImportFormat;
  private readonly settings: FileImportSettings;
  private running?: Promise<ImportSummary>;
  private rejects?: WriteStream;
  private progress: ImportProgress;
  private readonly reasons = new Map<ReasonCode, RejectionGroup>();
  private readonly validation: ValidationSettings;
  private readonly traceId = newTraceId();
  private readonly startedAt = Date.now();
  private lastError?: string;
  private readonly onProgress?: (progress: ImportProgress) => void;

  constructor(
    serde: AvroSerde,
    private readonly file: string,
    options: {
      format?: ImportFormat;
      kafka?: Kafka;
      onProgress?: (progress: ImportProgress) => void;
      settings?: FileImportSettings;
      /** Default: from the environment, as the telemetry processor reads them. */
      validation?: ValidationSettings;
    } = {},
  ) {
    this.settings = options.settings ?? loadSettings(fileImportSettings);
    this.validation = options.validation ?? loadSettings(validationSettings);
    this.format = options.format ?? formatOfFile(file);
    this.onProgress = options.onProgress;
    this.progress = { bytesRead: 0, totalBytes: statSync(file).size, rows: 0, accepted: 0, rejected: 0 };
    this.publisher = new RawTelemetryPublisher(
      options.kafka ?? createKafka(this.name),
      serde,
      this.metrics,
      {
        maxBufferedEvents: this.settings.batchEvents * 2,
        maxBatchBytes: this.settings.kafkaBatchBytes,
        sendTimeoutMs: this.settings.sendTimeoutMs,
        sendRetries: 5,
      },
      this.name,
    );
  }

  get rejectsFile(): string {
    return `${this.file}.rejected.ndjson`;
  }

  async start(): Promise<void> {
    this.running = this.run();
  }

  /** Imports the whole file; resolves with the summary. */
  async run(): Promise<ImportSummary> {
    await this.publisher.connect();
    let batch: Batch = { messages: [], accepted: 0 };
    let inFlight: Promise<void> | undefined;
    let error: InputProblem | undefined;
    const source = { bytesRead: 0 };
    const tick = setInterval(() => {
      this.progress.bytesRead = source.bytesRead;
      this.onProgress?.({ ...this.progress });
    }, 200);
    try {
      for await (const item of this.items(source)) {
        this.progress.rows++;
        if ('reason' in item) {
          await this.reject(item, item.reason, item.message);
          continue;
        }
        try {
          const reading = this.reading(item);
          const message = this.publisher.encode(reading);
          const validated = validate(reading, this.validation);
          // a refused reading is kept too (raw topic, then the DLQ), as the gateway keeps it
          batch.messages.push(message);
          if (validated.ok) batch.accepted += 1;
          else await this.reject(item, validated.rejection.code, validated.rejection.message);
        } catch (err) {
          await this.reject(item, 'serde_invalid', classifyError(err).message);
          continue;
        }
        if (batch.messages.length >= this.settings.batchEvents) {
          await inFlight;
          inFlight = this.publish(batch);
          batch = { messages: [], accepted: 0 };
        }
        if (this.stopping.signal.aborted) break;
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      error = err.problem;
      this.logger.error({ problem: err.problem }, 'import stopped at a structural error');
    } finally {
      clearInterval(tick);
    }
    await inFlight;
    await this.publish(batch);
    this.rejects?.end();
    if (this.rejects) await once(this.rejects, 'close');
    await this.publisher.close(Date.now() + 5000);
    this.progress.bytesRead = this.progress.totalBytes;
    this.onProgress?.({ ...this.progress });
    const seconds = (Date.now() - this.startedAt) / 1000;
    return {
      file: this.file,
      format: this.format,
      accepted: this.progress.accepted,
      rejected: this.progress.rejected,
      reasons: [...this.reasons.values()].sort((a, b) => b.count - a.count),
      rejectsFile: this.rejects ? this.rejectsFile : undefined,
      seconds,
      readingsPerSecond: Math.round(this.progress.accepted / Math.max(seconds, 0.001)),
      error,
      stopped: this.stopping.signal.aborted,
    };
  }

  /**
   * A row names its reading by its message id, else by its content (device, metric, time and value),
   * so the same row twice, or the same readings exported again under another file name, are one
   * event downstream. Only a row without a time falls back to the file name and line.
   */
  private reading(item: FileItem & { fields: ReadingFields }) {
    const { fields } = item;
    const where = item.line ?? item.index;
    const untimed = fields.messageId === null && fields.sourceTime === null;
    return readingFromFields(fields, {
      source: 'file',
      messageId: untimed ? `${basename(this.file)}:${where}` : null,
      valueIsIdentity: fields.messageId === null && !untimed,
      contentType: contentTypes[this.format],
      payload: item.payload,
      attributes: { file: basename(this.file), [item.line === undefined ? 'index' : 'line']: String(where) },
      traceId: this.traceId,
    });
  }

  /** Sends a batch, retrying while Kafka is unavailable: an import never skips readings. */
  private async publish(batch: Batch): Promise<void> {
    if (batch.messages.length === 0) return;
    await retry(() => this.publisher.publish(batch.messages), {
      retries: Number.POSITIVE_INFINITY,
      maxDelayMs: 10_000,
      onRetry: (err, attempt, delayMs) => {
        this.lastError = describeError(err);
        this.logger.warn({ err: this.lastError, attempt, delayMs }, 'Kafka unavailable; retrying the batch');
      },
    });
    this.lastError = undefined;
    this.progress.accepted += batch.accepted;
  }

  private async reject(item: FileItem, reason: ReasonCode, message: string): Promise<void> {
    this.progress.rejected++;
    this.metrics.rejected(reason);
    const group = this.reasons.get(reason);
    if (group) group.count++;
    else this.reasons.set(reason, { reason, message, count: 1 });
    this.rejects ??= createWriteStream(this.rejectsFile);
    // the rejects file is JSON text: bytes that are not UTF-8 go in base64, so they too are kept exactly
    const payload = isUtf8(item.payload)
      ? { payload: item.payload.toString('utf8') }
      : { payloadBase64: item.payload.toString('base64') };
    const line = `${JSON.stringify({ line: item.line, index: item.index, reason, message, ...payload })}\n`;
    if (!this.rejects.write(line)) await once(this.rejects, 'drain');
  }

  private items(source: { bytesRead: number }): AsyncGenerator<FileItem> {
    if (this.format === 'csv') return this.csvItems(source);
    if (this.format === 'ndjson') return this.ndjsonItems(source);
    return this.jsonItems(source);
  }

  private async *chunks(source: { bytesRead: number }): AsyncGenerator<Buffer> {
    const stream = createReadStream(this.file, { highWaterMark: 256 * 1024 });
    for await (const chunk of stream) {
      source.bytesRead = stream.bytesRead;
      yield chunk as Buffer;
    }
  }

  private async *ndjsonItems(source: { bytesRead: number }): AsyncGenerator<FileItem> {
    let carry: Buffer[] = [];
    let carried = 0;
    let oversize = false;
    let line = 0;
    let index = 0;
    const limit = this.settings.maxReadingBytes;
    const finish = (bytes: Buffer): FileItem | undefined => {
      line++;
      if (oversize) {
        oversize = false;
        const message = `the line is over ${limit} bytes`;
        return { line, index: index++, payload: Buffer.alloc(0), reason: 'payload_too_large', message };
      }
      if (bytes.every(isSpace)) return undefined;
      return { line, index: index++, ...ndjsonLine(bytes, line, this.settings) };
    };
    for await (const chunk of this.chunks(source)) {
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, end);
        const bytes = carried > 0 ? Buffer.concat([...carry, piece]) : piece;
        carry = [];
        carried = 0;
        start = end + 1;
        const item = finish(bytes);
        if (item) yield item;
      }
      if (start < chunk.length && !oversize) {
        carry.push(Buffer.from(chunk.subarray(start)));
        carried += chunk.length - start;
        if (carried > limit) {
          // a line longer than any reading may be: stop keeping it, report it when it ends
          oversize = true;
          carry = [];
          carried = 0;
        }
      }
    }
    const item = finish(Buffer.concat(carry));
    if (item) yield item;
  }

  private async *jsonItems(source: { bytesRead: number }): AsyncGenerator<FileItem> {
    const splitter = new JsonSplitter({
      maxDepth: this.settings.maxJsonDepth,
      maxElementBytes: this.settings.maxReadingBytes,
    });
    for await (const chunk of this.chunks(source)) {
      for (const element of splitter.push(chunk)) {
        const base = { index: element.index, payload: element.bytes };
        if (element.size !== undefined) {
          yield { ...base, ...readingTooLarge(element.size, this.settings.maxReadingBytes) };
          continue;
        }
        try {
          const parsed = readingFields(parseJsonElement(element));
          yield parsed.ok
            ? { ...base, fields: parsed.fields }
            : { ...base, reason: parsed.reason, message: parsed.message };
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          yield { ...base, reason: 'reading_malformed', message: err.message };
        }
      }
    }
    splitter.end();
  }

  private async *csvItems(source: { bytesRead: number }): AsyncGenerator<FileItem> {
    const stream = createReadStream(this.file, { highWaterMark: 256 * 1024 });
    const parser = stream.pipe(parseCsv(csvParseOptions(this.settings.maxReadingBytes)));
    let layout: ReturnType<typeof csvLayout> | undefined;
    let headerBytes: Buffer = Buffer.alloc(0);
    let index = 0;
    try {
      for await (const { record, raw, info } of parser as AsyncIterable<CsvRecord>) {
        source.bytesRead = stream.bytesRead;
        if (!layout) {
          layout = csvLayout(csvText(record));
          headerBytes = csvHeaderLine(raw);
          continue;
        }
        const payload = Buffer.concat([headerBytes, raw]);
        const result = csvRowFields(layout, csvText(record));
        if (!result.ok) {
          yield { line: info.lines, index: index++, payload, reason: result.reason, message: result.message };
          continue;
        }
        for (const fields of result.readings) yield { line: info.lines, index: index++, payload, fields };
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      const line = (err as { lines?: number }).lines;
      throw new InputError({
        error: 'malformed_csv',
        message: `malformed CSV: ${(err as Error).message}`,
        line,
      });
    } finally {
      stream.destroy();
    }
  }

  async stop(deadline: number): Promise<void> {
    this.stopping.abort();
    const giveUp = new Promise<void>((resolve) =>
      setTimeout(resolve, Math.max(0, deadline - Date.now())).unref(),
    );
    await Promise.race([this.running?.catch(() => undefined), giveUp]);
  }

  health(): Health {
    if (!this.running) return { state: 'down', reason: 'not started' };
    return this.lastError ? { state: 'degraded', reason: this.lastError } : { state: 'ready' };
  }
}
