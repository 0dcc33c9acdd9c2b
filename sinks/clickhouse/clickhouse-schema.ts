import type { ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseFeatures, rollupTables } from '../../lib/clickhouse.ts';

/**
 * ClickHouse DDL that adapts to the server: Debian's 18.16 lacks DateTime64, LowCardinality,
 * TTL, async inserts and non-replicated insert deduplication, current servers have them all.
 * The tables mean the same on both (see docs/sinks.md, "Querying ClickHouse directly").
 */

function columnTypes(features: ClickHouseFeatures) {
  return {
    time: features.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')",
    label: features.lowCardinality ? 'LowCardinality(String)' : 'String',
    dedupe: features.deduplicationToken ? ' SETTINGS non_replicated_deduplication_window = 1000' : '',
  };
}

/** The Kafka coordinates every loaded row carries: the sink resumes after the highest one. */
const kafkaColumns = `
  kafka_topic String,
  kafka_partition UInt16,
  kafka_offset UInt64,
  loaded_at DateTime('UTC') DEFAULT now()`;

function telemetryTables(features: ClickHouseFeatures): string[] {
  const { time, label, dedupe } = columnTypes(features);
  const statements = [
    `CREATE TABLE IF NOT EXISTS telemetry_readings (
  event_id String,
  source ${label},
  device_id String,
  site_id Nullable(String),
  metric ${label},
  value Float64,
  unit ${label},
  original_value Nullable(Float64),
  original_unit Nullable(String),
  source_time ${time},
  source_ms Int64,
  received_at ${time},
  processed_at ${time},
  quality_level ${label},
  quality_score Float64,
  quality_flags Array(String),
  known_device UInt8,
  site_name Nullable(String),
  device_type Nullable(String),
  latitude Nullable(Float64),
  longitude Nullable(Float64),
  tag_keys Array(String),
  tag_values Array(String),
  trace_id Nullable(String),${kafkaColumns}
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(source_time)
ORDER BY (device_id, metric, source_time, event_id)${dedupe}`,
  ];
  for (const { table, bucket } of Object.values(rollupTables)) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${table} (
  device_id String,
  metric ${label},
  unit ${label},
  bucket DateTime('UTC'),
  readings AggregateFunction(count),
  min_value AggregateFunction(min, Float64),
  max_value AggregateFunction(max, Float64),
  avg_value AggregateFunction(avg, Float64),
  last_value AggregateFunction(argMax, Float64, Int64)
) ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(bucket)
ORDER BY (device_id, metric, unit, bucket)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${table}_mv TO ${table} AS
SELECT device_id, metric, unit, ${bucket}(source_time) AS bucket,
  countState() AS readings, minState(value) AS min_value, maxState(value) AS max_value,
  avgState(value) AS avg_value, argMaxState(value, source_ms) AS last_value
FROM telemetry_readings
GROUP BY device_id, metric, unit, bucket`,
    );
  }
  return statements;
}

function pricingTables(features: ClickHouseFeatures): string[] {
  const { time, label, dedupe } = columnTypes(features);
  return [
    `CREATE TABLE IF NOT EXISTS pricing_prices (
  event_id String,
  provider ${label},
  service ${label},
  category ${label},
  region ${label},
  region_name String,
  original_region Nullable(String),
  sku String,
  product Nullable(String),
  price_per_unit_usd Decimal(38, 12),
  unit ${label},
  original_amount Decimal(38, 12),
  original_currency ${label},
  original_unit String,
  price_type ${label},
  term String,
  tier_start Float64,
  effective_from ${time},
  collection_id String,
  fetched_at ${time},
  processed_at ${time},
  trace_id Nullable(String),${kafkaColumns}
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(effective_from)
ORDER BY (provider, sku, region, price_type, term, tier_start, effective_from)${dedupe}`,
  ];
}

/** Highest loaded offset per source partition, kept by materialized views as rows are inserted. */
function progressTables(): string[] {
  const statements = [
    `CREATE TABLE IF NOT EXISTS sink_progress (
  source_table String,
  kafka_topic String,
  kafka_partition UInt16,
  next_offset AggregateFunction(max, UInt64)
) ENGINE = AggregatingMergeTree()
ORDER BY (source_table, kafka_topic, kafka_partition)`,
  ];
  for (const table of ['telemetry_readings', 'pricing_prices']) {
    statements.push(`CREATE MATERIALIZED VIEW IF NOT EXISTS sink_progress_${table}_mv TO sink_progress AS
SELECT '${table}' AS source_table, kafka_topic, kafka_partition, maxState(kafka_offset + 1) AS next_offset
FROM ${table}
GROUP BY kafka_topic, kafka_partition`);
  }
  return statements;
}

export interface ClickHouseMigration {
  version: number;
  name: string;
  statements(features: ClickHouseFeatures): string[];
}

/** Append only: a released migration never changes; add the next number instead. */
export const clickhouseMigrations: ClickHouseMigration[] = [
  {
    version: 1,
    name: 'telemetry, rollups, prices and sink progress',
    statements: (features) => [...telemetryTables(features), ...pricingTables(features), ...progressTables()],
  },
];

/** Applies the migrations not applied yet (every statement is idempotent, so a race is harmless). */
export async function migrateClickHouse(
  client: ClickHouseClient,
  features: ClickHouseFeatures,
): Promise<string[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  server_version String,
  applied_at DateTime('UTC') DEFAULT now()
) ENGINE = MergeTree() ORDER BY version`,
  });
  const result = await client.query({
    query: 'SELECT DISTINCT version FROM schema_migrations',
    format: 'JSONEachRow',
  });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const done: string[] = [];
  for (const migration of clickhouseMigrations) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements(features)) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: migration.version, name: migration.name, server_version: features.version }],
      format: 'JSONEachRow',
    });
    done.push(`${migration.version} ${migration.name}`);
  }
  return done;
}
