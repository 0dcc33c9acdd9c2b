import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { createClickHouse } from '../lib/clickhouse.ts';
import type { Component } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka, ensureTopics } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { createTelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
import { rawTopicEnd, type TopicPosition } from '../producers/testing.ts';
import { dlqContract, readSchema, topics } from '../schemas/catalog.ts';
import type { DeadLetter, RawTelemetryReading, TelemetryReading } from '../schemas/types.ts';
import { createClickHouseSink } from '../sinks/clickhouse/clickhouse-sink.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { postgresArchiveSettings, postgresSinkSettings } from '../sinks/postgres/config.ts';
import { createPostgresArchiveSink, createPostgresSink } from '../sinks/postgres/postgres-sink.ts';
import { uniqueSuffix, waitFor } from './support.ts';
import { deleteTopics, readAll } from './telemetry-load.ts';

const rawTopic = topics.rawTelemetry.topic;

/** A reading as PostgreSQL or ClickHouse holds it, in the same shape for both. */
export interface StoredReading {
  deviceId: string;
  metric: string;
  value: number;
  unit: string;
  originalValue: number | null;
  originalUnit: string | null;
  /** Epoch ms. */
  sourceTime: number;
  flags: string[];
  score: number;
}

/** The columns both databases are asked for, as their clients return them. */
interface StoredRow {
  device_id: string;
  metric: string;
  value: number;
  unit: string;
  original_value: number | null;
  original_unit: string | null;
  source_ms: string;
  quality_flags: string[];
  quality_score: number;
}

function storedReading(row: StoredRow): StoredReading {
  return {
    deviceId: row.device_id,
    metric: row.metric,
    value: row.value,
    unit: row.unit,
    originalValue: row.original_value,
    originalUnit: row.original_unit,
    sourceTime: Number(row.source_ms),
    flags: row.quality_flags,
    score: row.quality_score,
  };
}

/** The SQL condition (PostgreSQL and ClickHouse alike) for a device and the devices below it, `<id>/…`. */
export function deviceAndBelow(deviceId: string): string {
  // inlined (18.16 has no query parameters): only the tests' own plain ids
  if (/['\\%_]/.test(deviceId)) throw new Error(`${deviceId}: use ids without quotes, backslashes, % or _`);
  return `(device_id = '${deviceId}' OR device_id LIKE '${deviceId}/%')`;
}

/**
 * The telemetry path behind the producers, for end-to-end tests: the telemetry processor on the
 * real raw topic, both sinks and the raw archive into the real tables, as the platform runs them, but on private
 * normalized and DLQ topics and consumer groups, started at the raw topic's end (or `rawFrom`). A test sends
 * through a real producer and reads the values that come out of the topics and both databases.
 */
export interface TelemetryPipeline {
  normalizedTopic: string;
  dlqTopic: string;
  serde: AvroSerde;
  pool: pg.Pool;
  clickhouse: ClickHouseClient;
  /** Waits until `count` readings matching the SQL condition are in PostgreSQL and ClickHouse (FINAL). */
  loaded(where: string, count: number, timeoutMs?: number): Promise<void>;
  /** The readings matching the SQL condition as each database holds them (ClickHouse FINAL). */
  stored(where: string): Promise<{ postgres: StoredReading[]; clickhouse: StoredReading[] }>;
  /**
   * Waits until this pipeline's processor has committed the raw topic up to where it ends now: what
   * was sent before is in its normalized or DLQ topic. Rows in the tables do not tell, since another
   * test's pipeline on the same raw topic may have loaded them first.
   */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Every normalized reading this pipeline produced so far. */
  normalized(): Promise<TelemetryReading[]>;
  /** Every dead letter this pipeline produced so far, with the raw reading it holds. */
  deadLetters(): Promise<{ letter: DeadLetter; raw: RawTelemetryReading }[]>;
  stop(): Promise<void>;
}

export interface TelemetryPipelineOptions {
  /** Where the processor and the raw archive start on the raw topic (default: its end now). */
  rawFrom?: TopicPosition;
  /** The processor's settings besides the pipeline's own (PROCESSOR_TELEMETRY_…). */
  processor?: Record<string, string>;
}

export async function startTelemetryPipeline(
  options: TelemetryPipelineOptions = {},
): Promise<TelemetryPipeline> {
  const suffix = uniqueSuffix();
  const normalizedTopic = `test.normalized.telemetry.${suffix}`;
  const dlqTopic = `test.dlq.telemetry.${suffix}`;
  const processorGroup = `test-pipeline-processor-${suffix}`;
  const postgresGroup = `test-pipeline-postgres-${suffix}`;
  const archiveGroup = `test-pipeline-archive-${suffix}`;
  const kafka: Kafka = createKafka('telemetry-pipeline-test');
  const serde = new AvroSerde(createRegistryClient());
  const pool = createPgPool();
  const clickhouse = createClickHouse();
  await ensureTopics(kafka, [normalizedTopic, dlqTopic]);
  await serde.register(topics.rawTelemetry);
  await serde.register({ ...topics.normalizedTelemetry, topic: normalizedTopic });
  await serde.register({ ...dlqContract(rawTopic), topic: dlqTopic }, readSchema('dlq.v1.avsc'));

  // both consumers of the raw topic start at its end (or rawFrom): the test's own events only, however much the topic holds
  const ends = options.rawFrom ?? (await rawTopicEnd(kafka, rawTopic));
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: processorGroup, topic: rawTopic, partitions: ends });
  await admin.disconnect();
  await pool.query(
    `INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset)
     SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS t(p, o)`,
    [archiveGroup, rawTopic, ends.map((e) => e.partition), ends.map((e) => e.offset)],
  );

  const components: Component[] = [
    createTelemetryProcessor({
      settings: loadSettings(telemetrySettings, {
        PROCESSOR_TELEMETRY_OUTPUT_TOPIC: normalizedTopic,
        PROCESSOR_TELEMETRY_DLQ_TOPIC: dlqTopic,
        PROCESSOR_TELEMETRY_GROUP_ID: processorGroup,
        PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: processorGroup,
        PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: '6000',
        PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
        ...options.processor,
      }),
    }),
    createPostgresSink(
      loadSettings(postgresSinkSettings, {
        SINK_POSTGRES_GROUP_ID: postgresGroup,
        SINK_POSTGRES_TELEMETRY_TOPIC: normalizedTopic,
        SINK_POSTGRES_PRICING_TOPIC: '',
        SINK_POSTGRES_BATCH_MAX_WAIT_MS: '100',
      }),
    ),
    createPostgresArchiveSink(
      loadSettings(postgresArchiveSettings, {
        SINK_POSTGRES_ARCHIVE_GROUP_ID: archiveGroup,
        SINK_POSTGRES_ARCHIVE_RAW_PRICING_TOPIC: '',
        SINK_POSTGRES_ARCHIVE_BATCH_MAX_WAIT_MS: '100',
      }),
    ),
    createClickHouseSink(
      loadSettings(clickhouseSinkSettings, {
        SINK_CLICKHOUSE_GROUP_ID: `test-pipeline-clickhouse-${suffix}`,
        SINK_CLICKHOUSE_TELEMETRY_TOPIC: normalizedTopic,
        SINK_CLICKHOUSE_PRICING_TOPIC: '',
        SINK_CLICKHOUSE_BATCH_MAX_WAIT_MS: '100',
      }),
    ),
  ];
  for (const component of components) await component.start();

  const countIn = async (where: string) => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM telemetry_readings WHERE ${where}`,
    );
    const [row] = await (
      await clickhouse.query({
        query: `SELECT count() AS n FROM telemetry_readings FINAL WHERE ${where}`,
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    return [rows[0]?.n ?? 0, Number(row?.n ?? 0)];
  };

  return {
    normalizedTopic,
    dlqTopic,
    serde,
    pool,
    clickhouse,
    loaded: (where, count, timeoutMs = 60_000) =>
      waitFor(
        `${count} readings (${where}) in PostgreSQL and ClickHouse`,
        async () => {
          const [postgres, ch] = await countIn(where);
          return postgres === count && ch === count;
        },
        timeoutMs,
      ),
    stored: async (where) => {
      const columns = `device_id, metric, value, unit, original_value, original_unit, quality_flags, quality_score`;
      const [{ rows }, clickhouseRows] = await Promise.all([
        pool.query<StoredRow>(
          `SELECT ${columns}, (extract(epoch FROM source_time) * 1000)::bigint::text AS source_ms
             FROM telemetry_readings WHERE ${where}`,
        ),
        clickhouse
          .query({
            query: `SELECT ${columns}, toString(source_ms) AS source_ms FROM telemetry_readings FINAL WHERE ${where}`,
            format: 'JSONEachRow',
          })
          .then((result) => result.json<StoredRow>()),
      ]);
      return { postgres: rows.map(storedReading), clickhouse: clickhouseRows.map(storedReading) };
    },
    caughtUp: async (timeoutMs = 60_000) => {
      const ends = await rawTopicEnd(kafka, rawTopic);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitFor(
          `the pipeline's processor committed ${rawTopic} to its end`,
          async () => {
            const [committed] = await admin.fetchOffsets({ groupId: processorGroup, topics: [rawTopic] });
            const at = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
            return ends.every(({ partition, offset }) => (at.get(partition) ?? -1) >= Number(offset));
          },
          timeoutMs,
        );
      } finally {
        await admin.disconnect();
      }
    },
    normalized: () =>
      readAll(
        kafka,
        normalizedTopic,
        (value) => serde.decodeSync<TelemetryReading>(normalizedTopic, value).value,
      ),
    deadLetters: async () => {
      const letters = await readAll(
        kafka,
        dlqTopic,
        (value) => serde.decodeSync<DeadLetter>(dlqTopic, value).value,
      );
      return Promise.all(
        letters.map(async (letter) => ({
          letter,
          raw: (await serde.decode<RawTelemetryReading>(rawTopic, letter.value)).value,
        })),
      );
    },
    stop: async () => {
      for (const component of components.reverse()) await component.stop(Date.now() + 10_000);
      await pool.query('DELETE FROM sink_offsets WHERE consumer_group = ANY($1)', [
        [postgresGroup, archiveGroup],
      ]);
      await deleteTopics(kafka, [normalizedTopic, dlqTopic]);
      await Promise.all([pool.end(), clickhouse.close()]);
    },
  };
}
