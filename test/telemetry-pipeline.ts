import { setTimeout as sleep } from 'node:timers/promises';
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
import { dlqContract, readSchema, topics } from '../schemas/catalog.ts';
import type { DeadLetter, RawTelemetryReading, TelemetryReading } from '../schemas/types.ts';
import { createClickHouseSink } from '../sinks/clickhouse/clickhouse-sink.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { postgresSinkSettings } from '../sinks/postgres/config.ts';
import { createPostgresSink } from '../sinks/postgres/postgres-sink.ts';
import { uniqueSuffix } from './support.ts';
import { deleteTopics, readAll } from './telemetry-load.ts';

const rawTopic = topics.rawTelemetry.topic;

/**
 * The telemetry path behind the producers, for end-to-end tests: the telemetry processor on the
 * real raw topic and both sinks into the real tables, as the platform runs them, but on private
 * normalized and DLQ topics and consumer groups, started at the raw topic's end. A test sends
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
  /** Every normalized reading this pipeline produced so far. */
  normalized(): Promise<TelemetryReading[]>;
  /** Every dead letter this pipeline produced so far, with the raw reading it holds. */
  deadLetters(): Promise<{ letter: DeadLetter; raw: RawTelemetryReading }[]>;
  stop(): Promise<void>;
}

/** Polls `done` until it holds, failing with `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

export async function startTelemetryPipeline(): Promise<TelemetryPipeline> {
  const suffix = uniqueSuffix();
  const normalizedTopic = `test.normalized.telemetry.${suffix}`;
  const dlqTopic = `test.dlq.telemetry.${suffix}`;
  const processorGroup = `test-pipeline-processor-${suffix}`;
  const postgresGroup = `test-pipeline-postgres-${suffix}`;
  const kafka: Kafka = createKafka('telemetry-pipeline-test');
  const serde = new AvroSerde(createRegistryClient());
  const pool = createPgPool();
  const clickhouse = createClickHouse();
  await ensureTopics(kafka, [normalizedTopic, dlqTopic]);
  await serde.register(topics.rawTelemetry);
  await serde.register({ ...topics.normalizedTelemetry, topic: normalizedTopic });
  await serde.register({ ...dlqContract(rawTopic), topic: dlqTopic }, readSchema('dlq.v1.avsc'));

  // both consumers of the raw topic start at its end: the test's own events only, however much the topic holds
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(rawTopic);
  await admin.setOffsets({
    groupId: processorGroup,
    topic: rawTopic,
    partitions: ends.map(({ partition, offset }) => ({ partition, offset })),
  });
  await admin.disconnect();
  await pool.query(
    `INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset)
     SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS t(p, o)`,
    [postgresGroup, rawTopic, ends.map((e) => e.partition), ends.map((e) => e.offset)],
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
      }),
    }),
    createPostgresSink(
      loadSettings(postgresSinkSettings, {
        SINK_POSTGRES_GROUP_ID: postgresGroup,
        SINK_POSTGRES_TELEMETRY_TOPIC: normalizedTopic,
        SINK_POSTGRES_PRICING_TOPIC: '',
        SINK_POSTGRES_RAW_PRICING_TOPIC: '',
        SINK_POSTGRES_BATCH_MAX_WAIT_MS: '100',
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
      waitFor(`${count} readings (${where}) in PostgreSQL and ClickHouse`, timeoutMs, async () => {
        const [postgres, ch] = await countIn(where);
        return postgres === count && ch === count;
      }),
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
      await pool.query('DELETE FROM sink_offsets WHERE consumer_group = $1', [postgresGroup]);
      await deleteTopics(kafka, [normalizedTopic, dlqTopic]);
      await Promise.all([pool.end(), clickhouse.close()]);
    },
  };
}
