import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { createClickHouse } from '../lib/clickhouse.ts';
import { environment, loadSettings } from '../lib/config.ts';
import { ensureTopics } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { createTelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
import { dlqContract, topics } from '../schemas/catalog.ts';
import { createClickHouseSink } from '../sinks/clickhouse/clickhouse-sink.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { postgresSinkSettings } from '../sinks/postgres/config.ts';
import { createPostgresSink } from '../sinks/postgres/postgres-sink.ts';
import { deleteTopics } from './telemetry-load.ts';

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

/**
 * The telemetry path after the producers, as a test runs it on the local stack: the telemetry
 * processor reading the real raw topic from where it stands now (its own consumer group) into a
 * private normalized topic, and the PostgreSQL and ClickHouse sinks loading that topic. Dead
 * letters go to the raw topic's DLQ, beside the producers' own.
 */
export class PipelineToSinks {
  readonly pool = createPgPool();
  private readonly clickhouse = createClickHouse();
  private readonly normalizedTopic: string;
  private readonly components: { stop(deadline: number): Promise<void> }[] = [];

  private constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly suffix: string,
  ) {
    this.normalizedTopic = `test.normalized.telemetry.${suffix}`;
  }

  static async start(kafka: Kafka, serde: AvroSerde, suffix: string): Promise<PipelineToSinks> {
    const pipeline = new PipelineToSinks(kafka, serde, suffix);
    await pipeline.startComponents();
    return pipeline;
  }

  private async startComponents(): Promise<void> {
    const { normalizedTopic, suffix } = this;
    await ensureTopics(this.kafka, [normalizedTopic]);
    await this.serde.register({ ...topics.normalizedTelemetry, topic: normalizedTopic });
    const env = environment();
    const groupId = `test-e2e-${suffix}`;
    await this.commitRawTopicEnd(groupId);
    const processor = createTelemetryProcessor({
      kafka: this.kafka,
      settings: loadSettings(telemetrySettings, {
        ...env,
        PROCESSOR_TELEMETRY_OUTPUT_TOPIC: normalizedTopic,
        PROCESSOR_TELEMETRY_GROUP_ID: groupId,
        PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: groupId,
        PROCESSOR_TELEMETRY_THREADS: '0',
        PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: '6000',
        PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
      }),
    });
    const postgres = createPostgresSink(
      loadSettings(postgresSinkSettings, {
        ...env,
        SINK_POSTGRES_TELEMETRY_TOPIC: normalizedTopic,
        SINK_POSTGRES_PRICING_TOPIC: '',
        SINK_POSTGRES_RAW_TELEMETRY_TOPIC: '',
        SINK_POSTGRES_RAW_PRICING_TOPIC: '',
        SINK_POSTGRES_GROUP_ID: `test-e2e-postgres-${suffix}`,
      }),
    );
    const clickhouse = createClickHouseSink(
      loadSettings(clickhouseSinkSettings, {
        ...env,
        SINK_CLICKHOUSE_TELEMETRY_TOPIC: normalizedTopic,
        SINK_CLICKHOUSE_PRICING_TOPIC: '',
        SINK_CLICKHOUSE_GROUP_ID: `test-e2e-clickhouse-${suffix}`,
      }),
    );
    for (const component of [postgres, clickhouse, processor]) {
      await component.start();
      this.components.unshift(component);
    }
  }

  /**
   * The processor's group starts where the raw topic ends now, committed before the processor
   * joins: it reads everything the test produces afterwards, and nothing from before.
   */
  private async commitRawTopicEnd(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topics.rawTelemetry.topic);
      await admin.setOffsets({
        groupId,
        topic: topics.rawTelemetry.topic,
        partitions: ends.map(({ partition, offset }) => ({ partition, offset })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  async postgresReadings(deviceId: string): Promise<StoredReading[]> {
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT device_id, metric, value, unit, original_value, original_unit, quality_flags, quality_score,
              (extract(epoch FROM source_time) * 1000)::bigint AS source_ms
         FROM telemetry_readings WHERE device_id = $1 OR device_id LIKE $2`,
      [deviceId, `${deviceId}/%`],
    );
    return rows.map(storedReading);
  }

  async clickhouseReadings(deviceId: string): Promise<StoredReading[]> {
    // 18.16 has no query parameters; the ids are the test's own, quoted all the same
    const quoted = deviceId.replace(/['\\]/g, '\\$&');
    const below = Buffer.byteLength(`${deviceId}/`);
    const result = await this.clickhouse.query({
      query: `SELECT device_id, metric, value, unit, original_value, original_unit, toString(source_ms) AS source_ms,
                     quality_flags, quality_score
                FROM telemetry_readings FINAL
               WHERE device_id = '${quoted}' OR substring(device_id, 1, ${below}) = '${quoted}/'`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<StoredRow>();
    return rows.map(storedReading);
  }

  /** The readings of a device (and of the devices below it, `<id>/…`) once both databases hold `count`. */
  async readingsInBoth(
    deviceId: string,
    count: number,
    timeoutMs = 60_000,
  ): Promise<{ postgres: StoredReading[]; clickhouse: StoredReading[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [postgres, clickhouse] = await Promise.all([
        this.postgresReadings(deviceId),
        this.clickhouseReadings(deviceId),
      ]);
      if (postgres.length >= count && clickhouse.length >= count) return { postgres, clickhouse };
      if (Date.now() > deadline) {
        throw new Error(
          `${deviceId}: ${postgres.length} rows in PostgreSQL, ${clickhouse.length} in ClickHouse; expected ${count}`,
        );
      }
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    for (const component of this.components) await component.stop(Date.now() + 10_000);
    await this.pool.end();
    await this.clickhouse.close();
    await deleteTopics(this.kafka, [this.normalizedTopic, dlqContract(this.normalizedTopic).topic]);
  }
}
