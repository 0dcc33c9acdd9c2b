import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import type {
  DeadLetter,
  PriceRecord,
  RawPriceOffer,
  RawTelemetryReading,
  TelemetryReading,
} from '../../schemas/types.ts';
import { readAll } from '../telemetry-load.ts';

/** Every record of a topic this serde can decode (a corpus test may leave garbage in a raw topic). */
async function decodeAll<T>(kafka: Kafka, serde: AvroSerde, topic: string): Promise<T[]> {
  const decoded = await readAll(kafka, topic, (value) =>
    serde.decode<T>(topic, value).then(
      ({ value: record }) => record,
      () => undefined,
    ),
  );
  return (await Promise.all(decoded)).filter((record): record is Awaited<T> => record !== undefined) as T[];
}

import { mqttKey } from './load.ts';

/**
 * The ledger of a fault run, from the topics and the databases alone: what was sent and
 * acknowledged, where each acknowledged event ended up (normalized or dead-lettered, then in each
 * sink), and what is missing (lost) or there more than once (duplicated).
 */

/** How often each event id occurs in a place. */
type Occurrences = Map<string, number>;

function count(occurrences: Occurrences, id: string): void {
  occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
}

/** Occurrences beyond the first, over the ids given. */
function extra(occurrences: Occurrences, ids: Iterable<string>): number {
  let total = 0;
  for (const id of ids) total += Math.max(0, (occurrences.get(id) ?? 0) - 1);
  return total;
}

function present(occurrences: Occurrences, ids: Iterable<string>): number {
  let total = 0;
  for (const id of ids) if (occurrences.has(id)) total++;
  return total;
}

export interface LedgerColumn {
  source: string;
  sent: number;
  acknowledged: number;
  /** Acknowledged events found in the raw topic. */
  raw: number;
  normalized: number;
  dlq: number;
  postgres: number;
  clickhouse: number;
  /** Acknowledged events in the raw archive (raw_events, the archive sink's table). */
  archived: number;
  lost: number;
  duplicated: number;
  /** Where the lost ones went missing, and where the duplicates are, for the failure message. */
  lostWhere: string[];
  duplicatedWhere: string[];
}

/** What the topics hold of one run's telemetry: by event id, and MQTT readings by their key. */
export interface TelemetryTopics {
  raw: Occurrences;
  mqttEventIds: Map<string, string>;
  normalized: Occurrences;
  dlq: Occurrences;
}

export async function readTelemetryTopics(
  kafka: Kafka,
  serde: AvroSerde,
  prefix: string,
): Promise<TelemetryTopics> {
  const ours = (deviceId: string) => deviceId.startsWith(prefix);
  const found: TelemetryTopics = {
    raw: new Map(),
    mqttEventIds: new Map(),
    normalized: new Map(),
    dlq: new Map(),
  };
  const raw = topics.rawTelemetry.topic;
  for (const value of await decodeAll<RawTelemetryReading>(kafka, serde, raw)) {
    if (!ours(value.deviceId)) continue;
    count(found.raw, value.eventId);
    if (value.source === 'mqtt' && value.sourceTime !== null)
      found.mqttEventIds.set(mqttKey(value.deviceId, value.metric, value.sourceTime), value.eventId);
  }
  for (const value of await decodeAll<TelemetryReading>(kafka, serde, topics.normalizedTelemetry.topic)) {
    if (ours(value.deviceId)) count(found.normalized, value.eventId);
  }
  for (const letter of await decodeAll<DeadLetter>(kafka, serde, dlqContract(raw).topic)) {
    if (!letter.value) continue;
    const original = (await serde.decode<RawTelemetryReading>(raw, letter.value).catch(() => undefined))
      ?.value;
    if (original && ours(original.deviceId)) count(found.dlq, original.eventId);
  }
  return found;
}

export interface SinkRows {
  postgres: Occurrences;
  clickhouse: Occurrences;
  /** Rows of the raw archive: one per raw record, so as often as the raw topic holds the event. */
  archive: Occurrences;
  /** Rows ClickHouse ever took (its minute rollup counts every insert, merged duplicates too). */
  clickhouseInserted: number;
}

export async function readTelemetrySinks(
  pool: pg.Pool,
  clickhouse: ClickHouseClient,
  prefix: string,
): Promise<SinkRows> {
  const { rows } = await pool.query<{ event_id: string; n: string }>(
    'SELECT event_id, count(*) AS n FROM telemetry_readings WHERE device_id LIKE $1 GROUP BY event_id',
    [`${prefix}%`],
  );
  const ours = `device_id LIKE '${prefix}%'`;
  const chRows = await (
    await clickhouse.query({
      query: `SELECT event_id, toString(count()) AS n FROM telemetry_readings WHERE ${ours} GROUP BY event_id`,
      format: 'JSONEachRow',
    })
  ).json<{ event_id: string; n: string }>();
  const [inserted] = await (
    await clickhouse.query({
      query: `SELECT toString(sum(n)) AS n FROM (SELECT countMerge(readings) AS n FROM telemetry_rollup_minute
              WHERE ${ours} GROUP BY device_id, metric, unit, bucket)`,
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  return {
    postgres: new Map(rows.map((row) => [row.event_id, Number(row.n)])),
    clickhouse: new Map(chRows.map((row) => [row.event_id, Number(row.n)])),
    archive: await archivedEvents(pool, "kind = 'telemetry' AND subject LIKE $1", `${prefix}%`),
    clickhouseInserted: Number(inserted?.n ?? 0),
  };
}

/** Rows of the raw archive by event id. */
async function archivedEvents(pool: pg.Pool, where: string, value: string): Promise<Occurrences> {
  const { rows } = await pool.query<{ event_id: string; n: string }>(
    `SELECT event_id, count(*) AS n FROM raw_events WHERE ${where} GROUP BY event_id`,
    [value],
  );
  return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
}

/** Raw records the archive holds fewer (missing) or more (extra) times than the raw topic, over the ids given. */
function archiveDifference(
  raw: Occurrences,
  archive: Occurrences,
  ids: Iterable<string>,
): { missing: number; extra: number } {
  const difference = { missing: 0, extra: 0 };
  for (const id of ids) {
    const delta = (archive.get(id) ?? 0) - (raw.get(id) ?? 0);
    if (delta < 0) difference.missing -= delta;
    else difference.extra += delta;
  }
  return difference;
}

/** Cheap counts for waiting: rows of this run in each sink (and in the raw archive, by `archived`). */
export async function sinkRowCounts(
  pool: pg.Pool,
  clickhouse: ClickHouseClient,
  table: 'telemetry_readings' | 'pricing_prices',
  where: { column: string; like: string },
): Promise<{ postgres: number; clickhouse: number }> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${where.column} LIKE $1`,
    [where.like],
  );
  const [row] = await (
    await clickhouse.query({
      query: `SELECT toString(uniqExact(event_id)) AS n FROM ${table} WHERE ${where.column} LIKE '${where.like}'`,
      format: 'JSONEachRow',
    })
  ).json<{ n: string }>();
  return { postgres: Number(rows[0]?.n ?? 0), clickhouse: Number(row?.n ?? 0) };
}

/** One column of the ledger: the acknowledged events followed through the topics into the sinks. */
export function ledgerColumn(
  source: string,
  sent: number,
  acknowledged: string[],
  acknowledgedCount: number,
  found: Pick<TelemetryTopics, 'raw' | 'normalized' | 'dlq'>,
  sinks: Pick<SinkRows, 'postgres' | 'clickhouse' | 'archive'> & { clickhouseExtra: number },
): LedgerColumn {
  const normalizedIds = acknowledged.filter((id) => found.normalized.has(id));
  const archive = archiveDifference(found.raw, sinks.archive, acknowledged);
  const missing = {
    archive: archive.missing,
    topic: acknowledgedCount - acknowledged.length + acknowledged.filter((id) => !found.raw.has(id)).length,
    processed: acknowledged.filter(
      (id) => found.raw.has(id) && !found.normalized.has(id) && !found.dlq.has(id),
    ).length,
    postgres: normalizedIds.length - present(sinks.postgres, normalizedIds),
    clickhouse: normalizedIds.length - present(sinks.clickhouse, normalizedIds),
  };
  const lostWhere = Object.entries(missing)
    .filter(([, n]) => n > 0)
    .map(
      ([where, n]) =>
        `${n} not in ${where === 'processed' ? 'normalized or DLQ' : where === 'archive' ? 'the raw archive' : where}`,
    );
  const duplicates = {
    'the normalized topic': extra(found.normalized, acknowledged),
    'the DLQ': extra(found.dlq, acknowledged),
    PostgreSQL: extra(sinks.postgres, normalizedIds),
    ClickHouse: extra(sinks.clickhouse, normalizedIds) + sinks.clickhouseExtra,
    'the raw archive': archive.extra,
  };
  return {
    source,
    sent,
    acknowledged: acknowledgedCount,
    raw: present(found.raw, acknowledged),
    normalized: normalizedIds.length,
    dlq: present(found.dlq, acknowledged),
    postgres: present(sinks.postgres, normalizedIds),
    clickhouse: present(sinks.clickhouse, normalizedIds),
    archived: present(sinks.archive, acknowledged),
    lost: missing.topic + missing.processed + missing.postgres + missing.clickhouse + missing.archive,
    duplicated: Object.values(duplicates).reduce((sum, n) => sum + n, 0),
    lostWhere,
    duplicatedWhere: Object.entries(duplicates)
      .filter(([, n]) => n > 0)
      .map(([where, n]) => `${n} more in ${where}`),
  };
}

/** What the topics and sinks hold of one price collection run, by event id (an offer and its price share it). */
export async function readPrices(
  kafka: Kafka,
  serde: AvroSerde,
  pool: pg.Pool,
  clickhouse: ClickHouseClient,
  runId: string,
): Promise<
  Pick<TelemetryTopics, 'raw' | 'normalized' | 'dlq'> & Pick<SinkRows, 'postgres' | 'clickhouse' | 'archive'>
> {
  const found = {
    raw: new Map() as Occurrences,
    normalized: new Map() as Occurrences,
    dlq: new Map() as Occurrences,
  };
  const raw = topics.rawPricing.topic;
  for (const value of await decodeAll<RawPriceOffer>(kafka, serde, raw)) {
    if (value.collectionId === runId) count(found.raw, value.eventId);
  }
  for (const value of await decodeAll<PriceRecord>(kafka, serde, topics.normalizedPricing.topic)) {
    if (value.collectionId === runId) count(found.normalized, value.eventId);
  }
  for (const letter of await decodeAll<DeadLetter>(kafka, serde, dlqContract(raw).topic)) {
    if (!letter.value) continue;
    const original = (await serde.decode<RawPriceOffer>(raw, letter.value).catch(() => undefined))?.value;
    if (original?.collectionId === runId) count(found.dlq, original.eventId);
  }
  const { rows } = await pool.query<{ event_id: string; n: string }>(
    'SELECT event_id, count(*) AS n FROM pricing_prices WHERE collection_id = $1 GROUP BY event_id',
    [runId],
  );
  const chRows = await (
    await clickhouse.query({
      query: `SELECT event_id, toString(count()) AS n FROM pricing_prices WHERE collection_id = '${runId}' GROUP BY event_id`,
      format: 'JSONEachRow',
    })
  ).json<{ event_id: string; n: string }>();
  return {
    ...found,
    postgres: new Map(rows.map((row) => [row.event_id, Number(row.n)])),
    clickhouse: new Map(chRows.map((row) => [row.event_id, Number(row.n)])),
    archive: await archivedEvents(pool, "kind = 'pricing' AND envelope->>'collectionId' = $1", runId),
  };
}

/**
 * Events a ClickHouse table holds more than once (unmerged copies), each copy with its Kafka
 * coordinates, load time and part: which inserts wrote them twice, for a failure's message.
 */
export async function clickhouseCopies(
  clickhouse: ClickHouseClient,
  table: 'telemetry_readings' | 'pricing_prices',
  where: string,
  limit = 20,
): Promise<string[]> {
  const result = await clickhouse.query({
    query: `SELECT event_id, count() AS copies,
              groupArray(concat(toString(kafka_partition), '@', toString(kafka_offset), ' loaded ', toString(loaded_at), ' in ', _part)) AS rows
            FROM ${table} WHERE ${where} GROUP BY event_id HAVING copies > 1 ORDER BY event_id LIMIT ${limit}`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ event_id: string; rows: string[] }>();
  return rows.map((row) => `#   ${row.event_id}: ${row.rows.join('; ')}`);
}

export function formatLedger(columns: LedgerColumn[]): string {
  const rows: [string, keyof LedgerColumn][] = [
    ['sent', 'sent'],
    ['acknowledged', 'acknowledged'],
    ['in the raw topic', 'raw'],
    ['normalized', 'normalized'],
    ['dead-lettered (DLQ)', 'dlq'],
    ['in PostgreSQL', 'postgres'],
    ['in ClickHouse', 'clickhouse'],
    ['in the raw archive', 'archived'],
    ['lost', 'lost'],
    ['duplicated', 'duplicated'],
  ];
  const width = 12;
  const lines = [`  ${'ledger'.padEnd(22)}${columns.map((c) => c.source.padStart(width)).join('')}`];
  for (const [label, key] of rows) {
    lines.push(`  ${label.padEnd(22)}${columns.map((c) => String(c[key]).padStart(width)).join('')}`);
  }
  for (const column of columns) {
    if (column.lostWhere.length > 0) lines.push(`  ${column.source} lost: ${column.lostWhere.join(', ')}`);
    if (column.duplicatedWhere.length > 0)
      lines.push(`  ${column.source} duplicated: ${column.duplicatedWhere.join(', ')}`);
  }
  return lines.join('\n');
}
