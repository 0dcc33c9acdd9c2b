import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  type ClickHouseFeatures,
  type ClickHouseLayout,
  classifyClickHouseError,
  detectFeatures,
} from '../../lib/clickhouse.ts';
import { clickhouseLiteral } from '../../lib/clickhouse-sql.ts';
import { SluiceError } from '../../lib/errors.ts';
import { EventIdSet, readHexId } from '../../lib/event-id-set.ts';
import { RowChunks } from '../../lib/growing-buffer.ts';
import type { Logger } from '../../lib/logger.ts';
import { sitesLoaded } from '../../lib/metrics.ts';
import {
  nextOffsets,
  type PartitionOffset,
  type SinkRecord,
  type SinkWriter,
} from '../../lib/stream/destination.ts';
import type { PriceRecord, TelemetryReading } from '../../schemas/types.ts';
import { priceColumns } from '../price-columns.ts';
import { migrateClickHouse, storageTable } from './clickhouse-schema.ts';
import { applyRetention, type RetentionPolicy } from './retention.ts';
import { maxDateTimeMs, RowBinaryReader, RowBinaryWriter } from './row-binary.ts';
import { isUntranscodable, transcodable, transcodeTelemetryRow } from './telemetry-transcoder.ts';

export type ClickHouseSourceKind = 'telemetry' | 'pricing';

const tableOf: Record<ClickHouseSourceKind, string> = {
  telemetry: 'telemetry_readings',
  pricing: 'pricing_prices',
};

export interface ClickHouseWriterOptions {
  client: ClickHouseClient;
  layout: ClickHouseLayout;
  /** The sink's consumer group: its instances tag their inserts with it to see each other's on the servers. */
  groupId: string;
  /** On a cluster: rows go through the Distributed tables, or into the connected node's replicated tables. */
  insertInto: 'distributed' | 'local';
  /** The sink's own user, which its queries of the other nodes (remote()) log in as. */
  credentials: { user: string; password: string };
  /** Source topic → what it holds. */
  sources: Map<string, ClickHouseSourceKind>;
  retention: RetentionPolicy;
  retentionCheckMs: number;
  asyncInsert: boolean;
  /** Event ids remembered to drop upstream duplicates before they reach the rollups. */
  dedupeWindow: number;
  logger: Logger;
}

/**
 * The most recent event ids loaded, bounded (oldest forgotten first). The raw table collapses
 * duplicates itself (ReplacingMergeTree), but materialized-view rollups would count an event
 * re-published upstream twice: the window keeps such a duplicate out of the insert. An id is
 * claimed while its batch is inserted and then committed (or released if the insert failed),
 * so one set lookup per row finds duplicates both in the window and in the batch.
 */
export class RecentEventIds {
  private readonly ids = new EventIdSet();
  /**
   * The committed ids in arrival order, as a ring (the slot to fill next holds the oldest): a hex
   * id as its four words, any other id in `otherArrivals`. Strings here would each keep alive the
   * decoded record they were sliced from (~25 MiB for the default 200,000 ids).
   */
  private readonly arrivalWords: Uint32Array;
  private readonly otherArrivals = new Map<number, string>();
  private filled = 0;
  private nextSlot = 0;

  constructor(private readonly capacity: number) {
    this.arrivalWords = new Uint32Array(capacity * 4);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** False when the id is in the window or already claimed; otherwise claims it. */
  claim(id: string): boolean {
    return this.ids.add(id);
  }

  /** The claimed ids were loaded: they join the window, evicting the oldest. */
  commit(claimed: readonly string[]): void {
    for (const id of claimed) {
      const slot = this.nextSlot;
      if (this.filled === this.capacity) {
        const other = this.otherArrivals.get(slot);
        if (other === undefined) this.ids.deleteWords(this.arrivalWords, slot * 4);
        else this.ids.delete(other);
      } else this.filled += 1;
      if (readHexId(id, this.arrivalWords, slot * 4)) this.otherArrivals.delete(slot);
      else this.otherArrivals.set(slot, id);
      this.nextSlot = (slot + 1) % this.capacity;
    }
  }

  /** The claimed ids were not loaded: forgotten, so the retry inserts them. */
  release(claimed: readonly string[]): void {
    for (const id of claimed) this.ids.delete(id);
  }

  /** Ids known to be loaded (refilling the window at start). */
  add(ids: readonly string[]): void {
    this.commit(ids.filter((id) => this.claim(id)));
  }
}

function checkedTime(epochMs: number, field: string): number {
  if (!(epochMs >= 0 && epochMs <= maxDateTimeMs)) {
    throw new SluiceError('ING_VALIDATION_FAILED', `${field} ${epochMs} is outside 1970-2106`);
  }
  return epochMs;
}

/** A time as JSONEachRow takes it: epoch seconds, with the fraction for DateTime64. */
export function timeOf(features: ClickHouseFeatures): (epochMs: number, field: string) => number {
  return (epochMs, field) => {
    const checked = checkedTime(epochMs, field);
    return features.dateTime64 ? checked / 1000 : Math.floor(checked / 1000);
  };
}

export interface Coordinates {
  kafka_topic: string;
  kafka_partition: number;
  kafka_offset: number;
}

/** Columns of telemetry_readings in the order writeTelemetryRow writes them. */
export const telemetryColumns = [
  'event_id',
  'source',
  'device_id',
  'site_id',
  'metric',
  'value',
  'unit',
  'original_value',
  'original_unit',
  'source_time',
  'source_ms',
  'received_at',
  'processed_at',
  'quality_level',
  'quality_score',
  'quality_flags',
  'known_device',
  'site_name',
  'device_type',
  'latitude',
  'longitude',
  'tag_keys',
  'tag_values',
  'trace_id',
  'kafka_topic',
  'kafka_partition',
  'kafka_offset',
];

/**
 * One telemetry_readings row in RowBinary (the cheapest format for both sides: see
 * RowBinaryWriter), checked first so an invalid reading writes nothing.
 */
export function writeTelemetryRow(
  rows: RowBinaryWriter,
  reading: TelemetryReading,
  coordinates: Coordinates,
  features: ClickHouseFeatures,
): void {
  if (!Number.isFinite(reading.value)) {
    throw new SluiceError(
      'ING_VALIDATION_FAILED',
      `value ${reading.value} of ${reading.eventId} is not a number`,
    );
  }
  const sourceTime = checkedTime(reading.sourceTime, 'sourceTime');
  const receivedAt = checkedTime(reading.receivedAt, 'receivedAt');
  const processedAt = checkedTime(reading.processedAt, 'processedAt');
  const milliseconds = features.dateTime64;
  const { enrichment, quality } = reading;
  rows.string(reading.eventId);
  rows.string(reading.source);
  rows.string(reading.deviceId);
  rows.nullableString(reading.siteId);
  rows.string(reading.metric);
  rows.float64(reading.value);
  rows.string(reading.unit);
  rows.nullableFloat64(reading.originalValue);
  rows.nullableString(reading.originalUnit);
  rows.time(sourceTime, milliseconds);
  rows.int64(sourceTime);
  rows.time(receivedAt, milliseconds);
  rows.time(processedAt, milliseconds);
  rows.string(quality.level);
  rows.float64(quality.score);
  rows.stringArray(quality.flags);
  rows.uint8(enrichment.known ? 1 : 0);
  rows.nullableString(enrichment.siteName);
  rows.nullableString(enrichment.deviceType);
  rows.nullableFloat64(enrichment.latitude);
  rows.nullableFloat64(enrichment.longitude);
  rows.stringArray(Object.keys(enrichment.tags));
  rows.stringArray(Object.values(enrichment.tags));
  rows.nullableString(reading.traceId);
  rows.string(coordinates.kafka_topic);
  rows.uint16(coordinates.kafka_partition);
  rows.int64(coordinates.kafka_offset);
}

const decimalText = /^-?\d+(\.\d+)?$/;

export function priceLine(
  price: PriceRecord,
  coordinates: Coordinates,
  time: ReturnType<typeof timeOf>,
): string {
  for (const [field, value] of [
    ['pricePerUnitUsd', price.pricePerUnitUsd],
    ['originalAmount', price.originalAmount],
    ['usdRate', price.usdRate ?? '0'],
  ] as const) {
    if (!decimalText.test(value))
      throw new SluiceError('ING_VALIDATION_FAILED', `${field} "${value}" is not a decimal`);
  }
  const json = JSON.stringify({
    ...priceColumns(price),
    region_mapped: price.regionMapped ? 1 : 0,
    amortized: price.amortized ? 1 : 0,
    effective_from: time(price.effectiveFrom, 'effectiveFrom'),
    fetched_at: time(price.fetchedAt, 'fetchedAt'),
    processed_at: time(price.processedAt, 'processedAt'),
    ...coordinates,
  });
  // decimals as bare JSON numbers, digit for digit: 18.16 reads no quoted decimals, and a float would round
  return `${json.slice(0, -1)},"price_per_unit_usd":${price.pricePerUnitUsd},"original_amount":${price.originalAmount},"usd_rate":${price.usdRate ?? 'null'}}`;
}

/** The event id and site of a telemetry row encoded by writeTelemetryRow, read from its first columns. */
function eventOfRow(row: Buffer): { eventId: string; siteId: string | null } {
  const reader = new RowBinaryReader(row);
  const eventId = reader.string();
  reader.skipString(); // source
  reader.skipString(); // device_id
  return { eventId, siteId: reader.nullableString() };
}

/**
 * Rows as an insert body of as few pieces as they allow: rows encoded one after the other in a
 * chunk (RowChunks) travel as one view of it, not copied into one buffer (Buffer.concat of a
 * batch's rows was 3.6% of the sink's CPU).
 */
class BodyPieces {
  readonly pieces: Buffer[] = [];
  private first?: Buffer;
  private length = 0;

  add(row: Buffer): void {
    const first = this.first;
    if (first && row.buffer === first.buffer && first.byteOffset + this.length === row.byteOffset) {
      this.length += row.length;
      return;
    }
    this.close();
    this.first = row;
    this.length = row.length;
  }

  /** The pieces, the last one included. */
  done(): Buffer[] {
    this.close();
    return this.pieces;
  }

  private close(): void {
    if (this.first) this.pieces.push(Buffer.from(this.first.buffer, this.first.byteOffset, this.length));
    this.first = undefined;
  }
}

/** A topic or table name as a ClickHouse string literal, by the one escaping helper. */
function quote(text: string): string {
  return clickhouseLiteral(text, 'String');
}

/**
 * Inserts batches into ClickHouse (telemetry as RowBinary, prices as JSONEachRow), one insert per table. Every row carries its
 * Kafka coordinates and a materialized view keeps the highest per partition (sink_progress):
 * that is where consumption resumes, so a redelivered batch is never inserted twice (and the
 * rollups never count a row twice). After an insert whose outcome is unknown (connection lost),
 * the next attempt first drops the rows the table already has.
 */
export class ClickHouseWriter implements SinkWriter {
  private features?: ClickHouseFeatures;
  private outcomeUnknown = false;
  private retentionTimer?: NodeJS.Timeout;
  private readonly recentEventIds: RecentEventIds;
  private readonly rows = new RowChunks((bytes) => new RowBinaryWriter(bytes));
  /** Source topic names as RowBinary strings, encoded once a topic. */
  private readonly topicBytes = new Map<string, Buffer>();
  /** Query ids of the group's inserts start with this; this instance's with `ownInserts`. */
  private readonly groupInserts: string;
  private readonly ownInserts: string;

  constructor(private readonly options: ClickHouseWriterOptions) {
    this.recentEventIds = new RecentEventIds(options.dedupeWindow);
    this.groupInserts = `sluice-sink:${options.groupId}:`;
    this.ownInserts = `${this.groupInserts}${randomUUID()}:`;
  }

  get serverFeatures(): ClickHouseFeatures {
    if (!this.features) throw new SluiceError('ING_PROGRAMMING', 'ClickHouse writer used before open()');
    return this.features;
  }

  async open(): Promise<void> {
    const { client, logger } = this.options;
    try {
      this.features = await detectFeatures(client);
      const applied = await migrateClickHouse(client, this.features, this.options.layout);
      logger.info({ features: this.features, applied }, 'ClickHouse schema ready');
      await this.enforceRetention();
      await this.rememberRecentEventIds();
    } catch (err) {
      throw classifyClickHouseError(err);
    }
    this.retentionTimer = setInterval(() => {
      this.enforceRetention().catch((err) =>
        logger.warn({ err: classifyClickHouseError(err).message }, 'retention run failed; next run retries'),
      );
    }, this.options.retentionCheckMs);
    this.retentionTimer.unref();
  }

  /** Refills the duplicate window from the latest loaded rows, so a restart does not forget it. */
  private async rememberRecentEventIds(): Promise<void> {
    const telemetryTopics = [...this.options.sources].filter(([, kind]) => kind === 'telemetry');
    if (telemetryTopics.length === 0) return;
    const result = await this.options.client.query({
      query: `SELECT event_id FROM telemetry_readings
              WHERE kafka_topic IN (${telemetryTopics.map(([topic]) => quote(topic)).join(', ')})
              ORDER BY loaded_at DESC LIMIT ${this.options.dedupeWindow}`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ event_id: string }>();
    this.recentEventIds.add(rows.map((row) => row.event_id).reverse());
  }

  private async enforceRetention(): Promise<void> {
    const { client, retention, layout } = this.options;
    const actions = await applyRetention(client, this.serverFeatures, retention, layout);
    if (actions.length > 0) this.options.logger.info({ actions }, 'retention applied');
  }

  /**
   * A record as the insert takes it, as it is buffered: telemetry as its RowBinary row (RowChunks), a price as its JSONEachRow line.
   * An invalid value throws, poison.
   */
  encode(record: SinkRecord): Buffer | string {
    const features = this.serverFeatures;
    const kind = this.options.sources.get(record.topic);
    if (!kind) throw new SluiceError('ING_PROGRAMMING', `no table for topic ${record.topic}`);
    const coordinates = {
      kafka_topic: record.topic,
      kafka_partition: record.partition,
      kafka_offset: Number(record.offset),
    };
    if (kind === 'pricing') return priceLine(record.value as PriceRecord, coordinates, timeOf(features));
    return this.rows.row((rows) =>
      writeTelemetryRow(rows, record.value as TelemetryReading, coordinates, features),
    );
  }

  /** A telemetry record's row straight from its Avro body (transcodeTelemetryRow); undefined for anything else. */
  encodeRaw(record: SinkRecord, start: number): Buffer | undefined {
    if (!transcodable || this.options.sources.get(record.topic) !== 'telemetry') return undefined;
    let topic = this.topicBytes.get(record.topic);
    if (!topic) {
      topic = Buffer.from(record.topic);
      this.topicBytes.set(record.topic, topic);
    }
    const coordinates = { topic, partition: record.partition, offset: Number(record.offset) };
    const milliseconds = this.serverFeatures.dateTime64;
    try {
      return this.rows.row((rows) =>
        transcodeTelemetryRow(rows, record.message.value as Buffer, start, coordinates, milliseconds),
      );
    } catch (err) {
      if (isUntranscodable(err)) return undefined;
      throw err;
    }
  }

  async write(records: SinkRecord[], offsets: PartitionOffset[]): Promise<void> {
    try {
      const pending = this.outcomeUnknown ? await this.notYetLoaded(records) : records;
      const { loaded, sites } = await this.insertRows(pending);
      sitesLoaded(sites);
      const inserted = new Set(nextOffsets(loaded).map((p) => `${p.topic}:${p.partition}:${p.offset}`));
      // partitions whose last rows were not inserted (duplicates, or sent to the DLQ) record their offset directly
      await this.storeProgress(offsets.filter((p) => !inserted.has(`${p.topic}:${p.partition}:${p.offset}`)));
      this.outcomeUnknown = false;
    } catch (err) {
      const error = classifyClickHouseError(err);
      if (error.retriable) this.outcomeUnknown = true;
      throw error;
    }
  }

  /**
   * Inserts the records (encoded by `encode`); returns those inserted (not duplicates) and the
   * distinct sites of their telemetry, read back from the rows' leading columns.
   */
  private async insertRows(records: SinkRecord[]): Promise<{ loaded: SinkRecord[]; sites: Set<string> }> {
    const telemetryRows = new BodyPieces();
    const priceLines: string[] = [];
    const claimed: string[] = [];
    const inserted: SinkRecord[] = [];
    const sites = new Set<string>();
    try {
      for (const record of records) {
        const kind = this.options.sources.get(record.topic);
        if (!kind) throw new SluiceError('ING_PROGRAMMING', `no table for topic ${record.topic}`);
        if (kind === 'telemetry') {
          const row = record.value as Buffer;
          const { eventId, siteId } = eventOfRow(row);
          if (!this.recentEventIds.claim(eventId)) continue; // a duplicate
          claimed.push(eventId);
          telemetryRows.add(row);
          if (siteId) sites.add(siteId);
        } else priceLines.push(record.value as string);
        inserted.push(record);
      }
      const rowBinary = telemetryRows.done();
      if (rowBinary.length > 0) {
        await this.insert(
          `${this.insertTable(tableOf.telemetry)} (${telemetryColumns.join(', ')})`,
          'RowBinary',
          rowBinary,
        );
      }
      if (priceLines.length > 0) {
        // the columns named, so those left out (loaded_at) take their DEFAULT: 18.16 fills the
        // fields a JSONEachRow row omits with the type's zero otherwise
        const columns = Object.keys(JSON.parse(priceLines[0] as string)).join(', ');
        await this.insert(`${this.insertTable(tableOf.pricing)} (${columns})`, 'JSONEachRow', [
          Buffer.from(`${priceLines.join('\n')}\n`),
        ]);
      }
    } catch (err) {
      this.recentEventIds.release(claimed);
      throw err;
    }
    this.recentEventIds.commit(claimed);
    return { loaded: inserted, sites };
  }

  private insertTable(table: string): string {
    const { layout, insertInto } = this.options;
    return insertInto === 'local' ? storageTable(layout, table) : table;
  }

  private insertSettings(table: string, body: Buffer[]): Record<string, string | number> {
    const features = this.serverFeatures;
    const settings: Record<string, string | number> = {};
    if (features.asyncInsert && this.options.asyncInsert) {
      settings.async_insert = 1;
      settings.wait_for_async_insert = 1;
    }
    if (features.deduplicationToken) {
      // the same rows retried after an unknown outcome are dropped by the server as well
      const hash = createHash('sha256').update(table);
      for (const piece of body) hash.update(piece);
      settings.insert_deduplication_token = hash.digest('hex');
    }
    return settings;
  }

  private async insert(table: string, format: 'RowBinary' | 'JSONEachRow', body: Buffer[]): Promise<void> {
    const result = await this.options.client.exec({
      query: `INSERT INTO ${table} FORMAT ${format}`,
      query_id: `${this.ownInserts}${randomUUID()}`,
      values: Readable.from(body),
      clickhouse_settings: this.insertSettings(table, body),
    });
    for await (const _ of result.stream) {
      // an INSERT answers with an empty body: read it so the connection is reused
    }
  }

  /**
   * The records whose offsets are past what the tables hold, after an insert that may have landed:
   * once the server no longer runs it (the client may have given up on an insert it went on with).
   */
  private async notYetLoaded(records: SinkRecord[]): Promise<SinkRecord[]> {
    await this.awaitInserts(this.ownInserts);
    const stored = new Map<string, bigint>();
    for (const topic of new Set(records.map((record) => record.topic))) {
      for (const { partition, offset } of await this.storedOffsets(topic)) {
        stored.set(`${topic}:${partition}`, BigInt(offset));
      }
    }
    return records.filter(
      (record) => BigInt(record.offset) >= (stored.get(`${record.topic}:${record.partition}`) ?? 0n),
    );
  }

  /** Offsets of a batch whose tail went to the DLQ: recorded so those rows are not read again. */
  private async storeProgress(offsets: PartitionOffset[]): Promise<void> {
    for (const { topic, partition, offset } of offsets) {
      const kind = this.options.sources.get(topic);
      if (!kind) continue;
      await this.options.client.command({
        query: `INSERT INTO sink_progress SELECT ${quote(tableOf[kind])}, ${quote(topic)}, ${partition}, maxState(toUInt64(${BigInt(offset)}))`,
      });
    }
  }

  /**
   * Waits until the inserts this sink's group had running (on every server of the layout) have
   * ended: after a rebalance, a partition's previous owner may still be inserting its rows, and so
   * may this instance, where it gave up waiting for an insert (a timeout, the rebalance) that the
   * server went on with. The progress read after that includes them. ClickHouse has no transaction
   * to fence such a late insert off, so the new owner waits for it instead of inserting its rows
   * again (the table would collapse the copy, the rollups would count it twice). On a cluster, the
   * progress read next is this node's replica's: it first fetches what the others have.
   */
  awaitEarlierWrites(): Promise<void> {
    return this.awaitInserts(this.groupInserts);
  }

  /** Waits until no insert whose query id starts with `idPrefix` runs on any server of the layout. */
  private async awaitInserts(idPrefix: string): Promise<void> {
    const processes = await this.processesOfEveryServer();
    const running = async (condition: string) => {
      const result = await this.options.client.query({
        query: `SELECT DISTINCT query_id FROM ${processes} WHERE ${condition}`,
        format: 'JSONEachRow',
        clickhouse_settings: { skip_unavailable_shards: 1 },
      });
      return (await result.json<{ query_id: string }>()).map((row) => row.query_id);
    };
    try {
      let waitingFor = await running(
        `substring(query_id, 1, ${Buffer.byteLength(idPrefix)}) = ${quote(idPrefix)}`,
      );
      if (waitingFor.length > 0)
        this.options.logger.info({ inserts: waitingFor }, 'waiting for inserts the server still runs');
      while (waitingFor.length > 0) {
        await sleep(100);
        waitingFor = await running(`query_id IN (${waitingFor.map(quote).join(', ')})`);
      }
      // and this node's replica of the progress has fetched what other replicas took meanwhile
      const { layout } = this.options;
      if (layout.cluster)
        await this.options.client.command({
          query: `SYSTEM SYNC REPLICA ${storageTable(layout, 'sink_progress')}`,
        });
    } catch (err) {
      throw classifyClickHouseError(err);
    }
  }

  /** system.processes of the server, or of every node of the cluster (each replica, not one per shard). */
  private async processesOfEveryServer(): Promise<string> {
    const { cluster } = this.options.layout;
    if (!cluster) return 'system.processes';
    const result = await this.options.client.query({
      query: `SELECT host_address, port FROM system.clusters WHERE cluster = ${quote(cluster)}`,
      format: 'JSONEachRow',
    });
    const nodes = (await result.json<{ host_address: string; port: number }>()).map(
      (node) => `${node.host_address}:${node.port}`,
    );
    // addresses separated by commas are shards to remote(): each node answers for itself
    const { user, password } = this.options.credentials;
    return `remote(${quote(nodes.join(','))}, system, processes, ${quote(user)}, ${quote(password)})`;
  }

  async storedOffsets(topic: string, partitions?: number[]): Promise<PartitionOffset[]> {
    try {
      const result = await this.options.client.query({
        query: `SELECT kafka_partition, toString(maxMerge(next_offset)) AS next_offset FROM sink_progress
                WHERE kafka_topic = ${quote(topic)} GROUP BY kafka_partition`,
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ kafka_partition: number; next_offset: string }>();
      return rows
        .filter((row) => !partitions || partitions.includes(Number(row.kafka_partition)))
        .map((row) => ({ topic, partition: Number(row.kafka_partition), offset: row.next_offset }));
    } catch (err) {
      throw classifyClickHouseError(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer);
    await this.options.client.close();
  }
}
