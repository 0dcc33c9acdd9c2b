import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { migrate } from '../../lib/db/migrate.ts';
import { classifyError, SluiceError } from '../../lib/errors.ts';
import { RowChunks } from '../../lib/growing-buffer.ts';
import { lazyModule } from '../../lib/lazy-module.ts';
import type { Logger } from '../../lib/logger.ts';
import type { PartitionOffset, SinkRecord, SinkWriter } from '../../lib/stream/destination.ts';
import type {
  PriceRecord,
  RawPriceOffer,
  RawTelemetryReading,
  RunOutcome,
  TelemetryReading,
} from '../../schemas/types.ts';
import { priceColumns } from '../price-columns.ts';
import {
  BinaryArray,
  BinaryElements,
  type ElementType,
  elementEnd,
  readTimestampElement,
} from './binary-array.ts';
import {
  ensureMonths,
  expireMonths,
  firstKeptMonth,
  monthIndex,
  type PartitionRetention,
} from './partitions.ts';

/** What a source topic holds, which decides the table it is loaded into. */
export type PostgresSourceKind = 'telemetry' | 'pricing' | 'rawTelemetry' | 'rawPricing' | 'runOutcomes';

export interface PostgresWriterOptions {
  pool: pg.Pool;
  consumerGroup: string;
  component: string;
  /** Source topic → what it holds. */
  sources: Map<string, PostgresSourceKind>;
  partitionsAhead: number;
  retention: PartitionRetention;
  /** How often the running sink creates the months ahead and expires the old ones. */
  maintenanceMs: number;
  logger: Logger;
}

// Telemetry, the hot path, travels as one binary array per column expanded by unnest (see
// BinaryArray): 5,000 rows in one round trip, read by the server without parsing text; so do raw
// events. Prices travel as one JSON parameter expanded by json_to_recordset.

/** A column of the telemetry insert: the array element type it travels as, and its value in a reading. */
export interface TelemetryColumn {
  name: string;
  type: ElementType;
  value(reading: TelemetryReading): string | number | null;
}

/** The columns of the telemetry insert, in unnest's order (also the PostgreSQL sink bench's COPY ceiling). */
export const telemetryColumns: readonly TelemetryColumn[] = [
  { name: 'event_id', type: 'text', value: (r) => r.eventId },
  { name: 'source', type: 'text', value: (r) => r.source },
  { name: 'device_id', type: 'text', value: (r) => r.deviceId },
  { name: 'site_id', type: 'text', value: (r) => r.siteId },
  { name: 'metric', type: 'text', value: (r) => r.metric },
  { name: 'value', type: 'float8', value: (r) => r.value },
  { name: 'unit', type: 'text', value: (r) => r.unit },
  { name: 'original_value', type: 'float8', value: (r) => r.originalValue },
  { name: 'original_unit', type: 'text', value: (r) => r.originalUnit },
  { name: 'source_time', type: 'timestamptz', value: (r) => r.sourceTime },
  { name: 'received_at', type: 'timestamptz', value: (r) => r.receivedAt },
  { name: 'processed_at', type: 'timestamptz', value: (r) => r.processedAt },
  { name: 'quality_level', type: 'text', value: (r) => r.quality.level },
  { name: 'quality_score', type: 'float8', value: (r) => r.quality.score },
  { name: 'quality_flags', type: 'jsonb', value: (r) => JSON.stringify(r.quality.flags) },
  { name: 'enrichment', type: 'jsonb', value: (r) => JSON.stringify(r.enrichment) },
  { name: 'lineage_topic', type: 'text', value: (r) => r.lineage.topic },
  { name: 'lineage_partition', type: 'int4', value: (r) => r.lineage.partition },
  { name: 'lineage_offset', type: 'int8', value: (r) => r.lineage.offset },
  { name: 'trace_id', type: 'text', value: (r) => r.traceId },
];

const columnNames = telemetryColumns.map(({ name }) => name).join(', ');

/** Readings that may be loaded already (an upstream duplicate): each skipped by its key. */
const insertTelemetry = `
INSERT INTO telemetry_readings (${columnNames})
SELECT ${columnNames}
FROM unnest(${telemetryColumns.map(({ type }, i) => `$${i + 1}::${type}[]`).join(', ')}) AS r(${columnNames})
ON CONFLICT (event_id, source_time) DO NOTHING`;

// the ClickHouse sink's process imports this module too (the components' list) and never copies
const copyStreams = lazyModule<typeof import('pg-copy-streams')>('pg-copy-streams');

/**
 * Rows as COPY's binary tuples (as encoded when buffered: writeTelemetryElements, writeRawEventElements):
 * the server reads them as they are, without the key lookup per row that ON CONFLICT costs. A
 * duplicate fails the COPY (unique_violation), and the batch is inserted instead.
 */
const copyTelemetry = `COPY telemetry_readings (${columnNames}) FROM STDIN (FORMAT binary)`;
const copyHeader = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const copyTrailer = Buffer.from([0xff, 0xff]);
const uniqueViolation = '23505';
/** Batches inserted (not copied) after one whose COPY met a duplicate: a stream of duplicates costs a failed COPY in this many. */
const insertsAfterDuplicate = 100;

async function copyEncodedRows(client: pg.PoolClient, statement: string, rows: Buffer[]): Promise<number> {
  const copy = client.query(copyStreams().from(statement));
  await pipeline(Readable.from([copyHeader, Buffer.concat(rows), copyTrailer]), copy);
  return copy.rowCount;
}

/** The columns of pricing_prices a price fills, with the type json_to_recordset reads each as. */
const priceTableColumns: [name: string, type: string][] = [
  ['event_id', 'text'],
  ['provider', 'text'],
  ['service', 'text'],
  ['category', 'text'],
  ['region', 'text'],
  ['region_name', 'text'],
  ['original_region', 'text'],
  ['sku', 'text'],
  ['product', 'text'],
  ['price_per_unit_usd', 'numeric'],
  ['unit', 'text'],
  ['original_amount', 'numeric'],
  ['original_currency', 'text'],
  ['original_unit', 'text'],
  ['price_type', 'text'],
  ['term', 'text'],
  ['purchase_option', 'text'],
  ['offering_class', 'text'],
  ['tier_start', 'double precision'],
  ['tier_end', 'double precision'],
  ['amortized', 'boolean'],
  ['usd_rate', 'numeric'],
  ['usd_rate_date', 'date'],
  ['region_mapped', 'boolean'],
  ['provider_region_name', 'text'],
  ['instance_type', 'text'],
  ['vcpu', 'double precision'],
  ['memory_gib', 'double precision'],
  ['operating_system', 'text'],
  ['tenancy', 'text'],
  ['storage_class', 'text'],
  ['collection_id', 'text'],
  ['lineage_topic', 'text'],
  ['lineage_partition', 'integer'],
  ['lineage_offset', 'bigint'],
  ['trace_id', 'text'],
];

/** Times travel as epoch milliseconds and become timestamptz. */
const priceTimes = ['effective_from', 'fetched_at', 'processed_at'];

const insertPrices = `
INSERT INTO pricing_prices (${[...priceTableColumns.map(([name]) => name), ...priceTimes].join(', ')})
SELECT ${[...priceTableColumns.map(([name]) => name), ...priceTimes.map((name) => `to_timestamp(${name}_ms / 1000.0)`)].join(', ')}
FROM json_to_recordset($1::json) AS r(${[...priceTableColumns.map(([name, type]) => `${name} ${type}`), ...priceTimes.map((name) => `${name}_ms bigint`)].join(', ')})
ON CONFLICT (event_id) DO NOTHING`;

/** A price's identity (see priceKey in the pricing processor): versions of one identity close each other. */
const priceIdentity =
  'provider, sku, region, original_currency, price_type, term, purchase_option, tier_start';

/** Closes each version of the touched prices at the next version's start: history, not overwrites. */
const closePriceVersions = `
WITH touched AS (
  SELECT DISTINCT ${priceIdentity}
  FROM json_to_recordset($1::json) AS k(provider text, sku text, region text, original_currency text,
    price_type text, term text, purchase_option text, tier_start double precision)
), versions AS (
  SELECT p.event_id, lead(p.effective_from) OVER (
    PARTITION BY ${priceIdentity
      .split(', ')
      .map((column) => `p.${column}`)
      .join(', ')}
    ORDER BY p.effective_from, p.event_id) AS next_from
  FROM pricing_prices p
  JOIN touched t USING (${priceIdentity})
)
UPDATE pricing_prices p SET effective_to = v.next_from
FROM versions v
WHERE p.event_id = v.event_id AND p.effective_to IS DISTINCT FROM v.next_from`;

const insertRunOutcomes = `
INSERT INTO collection_run_outcomes (topic, kafka_partition, kafka_offset, run_id, component, consumer_group,
  input_topic, input_partition, first_offset, last_offset, normalized, dead_lettered, duplicates,
  dead_letter_reasons, notes, emitted_at)
SELECT topic, kafka_partition, kafka_offset, run_id, component, consumer_group, input_topic, input_partition,
  first_offset, last_offset, normalized, dead_lettered, duplicates, dead_letter_reasons, notes,
  to_timestamp(emitted_ms / 1000.0)
FROM json_to_recordset($1::json) AS r(topic text, kafka_partition integer, kafka_offset bigint, run_id text,
  component text, consumer_group text, input_topic text, input_partition integer, first_offset bigint, last_offset bigint,
  normalized bigint, dead_lettered bigint, duplicates bigint, dead_letter_reasons jsonb, notes jsonb,
  emitted_ms bigint)
ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING`;

/** The raw archive's columns, in COPY's and unnest's order. */
const rawEventColumns = [
  ['topic', 'text'],
  ['kafka_partition', 'int4'],
  ['kafka_offset', 'int8'],
  ['event_id', 'text'],
  ['kind', 'text'],
  ['source', 'text'],
  ['subject', 'text'],
  ['received_at', 'timestamptz'],
  ['envelope', 'jsonb'],
  ['original', 'bytea'],
] as const satisfies readonly (readonly [string, ElementType])[];

const rawEventNames = rawEventColumns.map(([name]) => name).join(', ');

/** Raw events that may be archived already: each skipped by its Kafka position. */
const insertRawEvents = `
INSERT INTO raw_events (${rawEventNames})
SELECT ${rawEventNames}
FROM unnest(${rawEventColumns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS r(${rawEventNames})
ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING`;
const copyRawEvents = `COPY raw_events (${rawEventNames}) FROM STDIN (FORMAT binary)`;

const storeOffsets = `
INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset)
SELECT $1, topic, partition, next_offset
FROM json_to_recordset($2::json) AS o(topic text, partition integer, next_offset bigint)
ON CONFLICT (consumer_group, topic, partition)
DO UPDATE SET next_offset = GREATEST(sink_offsets.next_offset, EXCLUDED.next_offset), updated_at = now()`;

interface Statement {
  text: string;
  values: unknown[];
}

/**
 * A batch's inserts, its offsets and the run's row counter as one statement (data-modifying
 * CTEs, each run once whether read or not): atomic on its own and one round trip. With five
 * statements in a transaction the backend sat idle in it, waiting for the platform's busy event
 * loop between each, and PostgreSQL fell behind ClickHouse under load.
 */
function batchStatement(
  inserts: Statement[],
  offsets: Statement | undefined,
  runId: string,
  copiedRows: number,
): Statement {
  const values: unknown[] = [];
  const bind = ({ text, values: own }: Statement) => {
    const shift = values.length;
    values.push(...own);
    return text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
  };
  const parts = inserts.map((insert, i) => `w${i} AS (${bind(insert)} RETURNING 1)`);
  if (offsets) parts.push(`offsets AS (${bind(offsets)})`);
  const counted = [
    ...inserts.map((_, i) => `(SELECT count(*) FROM w${i})`),
    bind({ text: '$1::bigint', values: [copiedRows] }),
  ].join(' + ');
  parts.push(`counted AS (SELECT ${counted} AS inserted)`);
  parts.push(
    `run AS (UPDATE pipeline_runs SET rows_written = rows_written + counted.inserted, updated_at = now()
      FROM counted WHERE run_id = ${bind({ text: '$1', values: [runId] })} AND counted.inserted > 0)`,
  );
  return { text: `WITH ${parts.join(',\n')}\nSELECT inserted FROM counted`, values };
}

/** A reading as its columns' array elements, one after the other (telemetryColumns' order). */
function writeTelemetryElements(row: BinaryElements, reading: TelemetryReading): void {
  if (!Number.isFinite(reading.value)) {
    // a float8 would carry NaN or Infinity into the table: refused like the row it is
    throw new SluiceError(
      'ING_VALIDATION_FAILED',
      `value ${reading.value} of ${reading.eventId} is not a number`,
    );
  }
  row.tuple(telemetryColumns.length);
  for (const column of telemetryColumns) row.element(column.type, column.value(reading));
}

/** Where the first element of a row written by writeTelemetryElements starts (after the field count). */
const firstElement = 2;
const sourceTimeColumn = telemetryColumns.findIndex(({ name }) => name === 'source_time');

/** The source time (epoch ms) of a row written by writeTelemetryElements. */
function sourceTimeOfRow(row: Buffer): number {
  let at = firstElement;
  for (let i = 0; i < sourceTimeColumn; i++) at = elementEnd(row, at);
  return readTimestampElement(row, at);
}

/** The column arrays (of `types`, in order) of rows encoded as COPY tuples, for the unnest insert. */
function columnArrays(types: readonly ElementType[], rows: Buffer[]): Buffer[] {
  const columns = types.map((type) => new BinaryArray(type, 16 * rows.length));
  for (const row of rows) {
    let at = firstElement;
    for (const column of columns) {
      const end = elementEnd(row, at);
      column.pushEncoded(row, at, end);
      at = end;
    }
  }
  return columns.map((column) => column.bytes());
}

const telemetryTypes = telemetryColumns.map(({ type }) => type);
const rawEventTypes = rawEventColumns.map(([, type]) => type);

export function priceRow(price: PriceRecord) {
  return {
    ...priceColumns(price),
    price_per_unit_usd: price.pricePerUnitUsd,
    original_amount: price.originalAmount,
    usd_rate: price.usdRate,
    amortized: price.amortized,
    region_mapped: price.regionMapped,
    lineage_topic: price.lineage.topic,
    lineage_partition: price.lineage.partition,
    lineage_offset: price.lineage.offset,
    effective_from_ms: price.effectiveFrom,
    fetched_at_ms: price.fetchedAt,
    processed_at_ms: price.processedAt,
  };
}

export function runOutcomeRow(record: SinkRecord) {
  const outcome = record.value as RunOutcome;
  return {
    topic: record.topic,
    kafka_partition: record.partition,
    kafka_offset: record.offset,
    run_id: outcome.runId,
    component: outcome.component,
    consumer_group: outcome.consumerGroup,
    input_topic: outcome.inputTopic,
    input_partition: outcome.partition,
    first_offset: outcome.firstOffset,
    last_offset: outcome.lastOffset,
    normalized: outcome.normalized,
    dead_lettered: outcome.deadLettered,
    duplicates: outcome.duplicates,
    dead_letter_reasons: outcome.deadLetterReasons,
    notes: outcome.notes,
    emitted_ms: outcome.emittedAt,
  };
}

/**
 * Text for a text or jsonb column: PostgreSQL holds no NUL in either (22021, 22P05), and a raw
 * record keeps what arrived, control characters too (the processor dead-letters those). Its NULs
 * are written as the six characters `\u0000`; the original bytes are in `original`, verbatim.
 */
function storableText(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\\u0000') : text;
}

/** An envelope as jsonb takes it: JSON, the NULs of its strings and map keys written as storableText writes them. */
function storableJson(value: object): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes a NUL as \u0000; preceded by an even number of backslashes it is that
  // escape, and not a string's own backslash followed by "u0000"
  return json.includes('\\u0000') ? json.replace(escapedNul, '$1\\\\u0000') : json;
}

const escapedNul = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** A raw record as its archive row's COPY tuple (rawEventColumns' order). */
function writeRawEventElements(
  row: BinaryElements,
  record: SinkRecord,
  kind: 'rawTelemetry' | 'rawPricing',
): void {
  let described: [string, string, string, number, string, Buffer];
  if (kind === 'rawTelemetry') {
    const { payload, ...envelope } = record.value as RawTelemetryReading;
    described = [
      'telemetry',
      storableText(envelope.source),
      storableText(envelope.deviceId),
      envelope.receivedAt,
      storableJson(envelope),
      payload,
    ];
  } else {
    const { item, ...envelope } = record.value as RawPriceOffer;
    const subject = `${envelope.provider}|${envelope.sku}|${envelope.region ?? ''}`;
    described = [
      'pricing',
      storableText(envelope.provider),
      storableText(subject),
      envelope.fetchedAt,
      storableJson(envelope),
      Buffer.from(item, 'utf8'),
    ];
  }
  const [rowKind, source, subject, receivedAt, envelope, original] = described;
  const values = [
    record.topic,
    record.partition,
    Number(record.offset),
    storableText((record.value as { eventId: string }).eventId),
    rowKind,
    source,
    subject,
    receivedAt,
    envelope,
    original,
  ];
  row.tuple(rawEventColumns.length);
  for (let i = 0; i < values.length; i++)
    row.element(
      (rawEventColumns[i] as (typeof rawEventColumns)[number])[1],
      values[i] as string | number | Buffer,
    );
}

/** pg reports a dropped connection without a SQLSTATE; those are outages, not bad data. */
function classifyPostgresError(err: unknown): SluiceError {
  const error = classifyError(err);
  if (
    error.code === 'ING_UNCLASSIFIED' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|Connection refused/i.test(
      error.message,
    )
  ) {
    return new SluiceError('ING_DB_UNAVAILABLE', error.message, { cause: err });
  }
  return error;
}

/** A batch's rows of one table as encoded, with its COPY and the insert that replaces it after a duplicate. */
interface EncodedRows {
  copy: string;
  insert: string;
  types: readonly ElementType[];
  rows: Buffer[];
}

/**
 * Writes a batch into PostgreSQL in one transaction: readings and raw events by COPY (after a
 * duplicate, by insert with ON CONFLICT DO NOTHING), the other rows by insert, and the consumed
 * offsets in sink_offsets, so a batch and its offsets land together or not at all.
 */
export class PostgresWriter implements SinkWriter {
  private readonly knownMonths = new Set<number>();
  private readonly rows = new RowChunks((bytes) => new BinaryElements(bytes));
  /** Batches still to insert rather than copy (after a duplicate). */
  private insertsBeforeCopy = 0;
  private maintenanceTimer?: NodeJS.Timeout;
  readonly runId = randomUUID();

  constructor(private readonly options: PostgresWriterOptions) {}

  async open(): Promise<void> {
    const { pool, component, consumerGroup, logger } = this.options;
    try {
      await migrate(pool);
      await this.maintainPartitions();
      await pool.query(
        `INSERT INTO pipeline_runs (run_id, component, consumer_group, host, pid, status)
         VALUES ($1, $2, $3, $4, $5, 'running')`,
        [this.runId, component, consumerGroup, hostname(), process.pid],
      );
    } catch (err) {
      throw classifyPostgresError(err);
    }
    this.maintenanceTimer = setInterval(() => {
      this.maintainPartitions().catch((err) =>
        logger.warn(
          { err: classifyPostgresError(err).message },
          'partition maintenance failed; the next run retries',
        ),
      );
    }, this.options.maintenanceMs);
    this.maintenanceTimer.unref();
  }

  /** The months ahead exist, the expired ones are detached or dropped. */
  private async maintainPartitions(): Promise<void> {
    const now = monthIndex(Date.now());
    await this.ensurePartitions(Array.from({ length: this.options.partitionsAhead + 1 }, (_, i) => now + i));
    const expired = await expireMonths(this.options.pool, this.options.retention);
    for (const { month } of expired) this.knownMonths.delete(month);
    if (expired.length > 0)
      this.options.logger.info({ actions: expired.map(({ done }) => done) }, 'telemetry partitions expired');
  }

  private async ensurePartitions(months: Iterable<number>): Promise<void> {
    const missing = [...months].filter((month) => !this.knownMonths.has(month));
    await ensureMonths(this.options.pool, missing);
    for (const month of missing) this.knownMonths.add(month);
  }

  /**
   * A record as `write` takes it, as it is buffered: a reading or a raw event as its row's COPY
   * tuple (RowChunks), a reading checked against the retention; the other kinds (a few a batch) as decoded.
   * An invalid value throws, poison.
   */
  encode(record: SinkRecord): unknown {
    const kind = this.options.sources.get(record.topic);
    if (kind === 'rawTelemetry' || kind === 'rawPricing')
      return this.rows.row((row) => writeRawEventElements(row, record, kind));
    if (kind !== 'telemetry') return record.value;
    const reading = record.value as TelemetryReading;
    const firstKept = firstKeptMonth(this.options.retention);
    if (firstKept !== undefined && monthIndex(reading.sourceTime) < firstKept) {
      // its month is expired (detached or dropped): written, it would recreate the month
      throw new SluiceError(
        'ING_VALIDATION_FAILED',
        `reading ${reading.eventId} of ${new Date(reading.sourceTime).toISOString()} is older than the retention (SINK_POSTGRES_RETENTION_MONTHS=${this.options.retention.months})`,
      );
    }
    return this.rows.row((row) => writeTelemetryElements(row, reading));
  }

  async write(records: SinkRecord[], offsets: PartitionOffset[]): Promise<void> {
    const telemetry: Buffer[] = [];
    const prices: ReturnType<typeof priceRow>[] = [];
    const rawEvents: Buffer[] = [];
    const runOutcomes: ReturnType<typeof runOutcomeRow>[] = [];
    const months = new Set<number>();
    for (const record of records) {
      const kind = this.options.sources.get(record.topic);
      if (kind === 'telemetry') {
        const row = record.value as Buffer;
        telemetry.push(row);
        months.add(monthIndex(sourceTimeOfRow(row)));
      } else if (kind === 'pricing') prices.push(priceRow(record.value as PriceRecord));
      else if (kind === 'rawTelemetry' || kind === 'rawPricing') rawEvents.push(record.value as Buffer);
      else if (kind === 'runOutcomes') runOutcomes.push(runOutcomeRow(record));
      else throw new SluiceError('ING_PROGRAMMING', `no table for topic ${record.topic}`);
    }
    const copies: EncodedRows[] = [];
    if (telemetry.length > 0)
      copies.push({ copy: copyTelemetry, insert: insertTelemetry, types: telemetryTypes, rows: telemetry });
    if (rawEvents.length > 0)
      copies.push({ copy: copyRawEvents, insert: insertRawEvents, types: rawEventTypes, rows: rawEvents });
    const inserts: Statement[] = [];
    const pricesJson = prices.length > 0 ? JSON.stringify(prices) : undefined;
    if (pricesJson) inserts.push({ text: insertPrices, values: [pricesJson] });
    if (runOutcomes.length > 0)
      inserts.push({ text: insertRunOutcomes, values: [JSON.stringify(runOutcomes)] });
    const offsetRows = offsets.map(({ topic, partition, offset }) => ({
      topic,
      partition,
      next_offset: offset,
    }));
    const offsetsStatement =
      offsets.length > 0
        ? { text: storeOffsets, values: [this.options.consumerGroup, JSON.stringify(offsetRows)] }
        : undefined;
    const client = await this.options.pool.connect().catch((err) => {
      throw classifyPostgresError(err);
    });
    let broken: Error | undefined;
    try {
      await this.ensurePartitions(months);
      let copied: number | undefined;
      if (copies.length > 0) {
        copied = await this.copyRows(client, copies);
        if (copied === undefined)
          inserts.unshift(
            ...copies.map(({ insert, types, rows }) => ({ text: insert, values: columnArrays(types, rows) })),
          );
      }
      // the statement stands alone unless it follows a COPY (begun by copyRows) or prices need a
      // second one (closing versions must see the prices just inserted)
      if (copied === undefined && pricesJson) await client.query('BEGIN');
      await client.query(batchStatement(inserts, offsetsStatement, this.runId, copied ?? 0));
      if (pricesJson) await client.query(closePriceVersions, [pricesJson]);
      if (copied !== undefined || pricesJson) await client.query('COMMIT');
    } catch (err) {
      // the connection is dropped rather than rolled back: the server aborts what it held, and a
      // connection that failed mid-statement is not handed out again
      broken = err instanceof Error ? err : new Error(String(err));
      const error = classifyPostgresError(err);
      if (/no partition of relation/.test(error.message)) {
        // a partition was dropped behind our back: forget what we know and create it again
        this.knownMonths.clear();
        throw new SluiceError('ING_DB_UNAVAILABLE', error.message, { cause: err });
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Copies each table's rows in a transaction begun here, returning how many; undefined when one
   * was loaded already (the transaction rolled back: the batch is inserted instead, as are the
   * next few), or when copying is off for now.
   */
  private async copyRows(client: pg.PoolClient, copies: EncodedRows[]): Promise<number | undefined> {
    if (this.insertsBeforeCopy > 0) {
      this.insertsBeforeCopy--;
      return undefined;
    }
    await client.query('BEGIN');
    try {
      let copied = 0;
      for (const { copy, rows } of copies) copied += await copyEncodedRows(client, copy, rows);
      return copied;
    } catch (err) {
      if ((err as { code?: string }).code !== uniqueViolation) throw err;
      await client.query('ROLLBACK');
      this.insertsBeforeCopy = insertsAfterDuplicate;
      return undefined;
    }
  }

  async storedOffsets(topic: string, partitions: number[]): Promise<PartitionOffset[]> {
    try {
      const { rows } = await this.options.pool.query<{ partition: number; next_offset: string }>(
        `SELECT partition, next_offset FROM sink_offsets
         WHERE consumer_group = $1 AND topic = $2 AND partition = ANY($3::int[])`,
        [this.options.consumerGroup, topic, partitions],
      );
      return rows.map((row) => ({ topic, partition: row.partition, offset: String(row.next_offset) }));
    } catch (err) {
      throw classifyPostgresError(err);
    }
  }

  async close(outcome: { rowsRejected: number; error?: string }): Promise<void> {
    clearInterval(this.maintenanceTimer);
    await this.options.pool
      .query(
        `UPDATE pipeline_runs SET status = $2, rows_rejected = $3, error = $4, finished_at = now(), updated_at = now()
         WHERE run_id = $1`,
        [this.runId, outcome.error ? 'failed' : 'stopped', outcome.rowsRejected, outcome.error ?? null],
      )
      .catch(() => {});
    await this.options.pool.end();
  }
}
