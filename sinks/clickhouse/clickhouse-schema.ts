import type { ClickHouseClient, CommandParams } from '@clickhouse/client';
import { type ClickHouseFeatures, type ClickHouseLayout, rollupTables } from '../../lib/clickhouse.ts';
import { SluiceError } from '../../lib/errors.ts';

/**
 * ClickHouse DDL that adapts to the server: Debian's 18.16 lacks DateTime64, LowCardinality,
 * TTL, async inserts and non-replicated insert deduplication, current servers have them all.
 * The tables mean the same on both (see docs/sinks.md, "Querying ClickHouse directly").
 */

/** The table that holds a table's rows on each server: itself, or its replicated `_local` table on a cluster. */
export function storageTable(layout: ClickHouseLayout, table: string): string {
  return layout.cluster ? `${layout.database}.${table}_local` : table;
}

const createTablePattern =
  /^CREATE TABLE (IF NOT EXISTS )?(\w+) \(([\s\S]*)\) ENGINE = (\w*MergeTree)\(([^)]*)\)([\s\S]*)$/;
const orderByPattern = /ORDER BY (\(([^)]*)\)|\w+)/;
const createViewPattern =
  /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+) TO (\w+) AS([\s\S]*\bFROM )(\w+)([\s\S]*)$/;
const alterTablePattern = /^ALTER TABLE (\w+) ([\s\S]*)$/;
const dropTablePattern = /^DROP TABLE IF EXISTS (\w+)$/;
const insertSelectPattern = /^INSERT INTO (\w+) (\([^)]*\) SELECT [\s\S]*\bFROM )(\w+)([\s\S]*)$/;
const renamePattern = /^RENAME TABLE (\w+ TO \w+(?:, \w+ TO \w+)*)$/;

/** The pairs of a RENAME TABLE statement, or undefined for another statement. */
export function renamedTables(statement: string): [from: string, to: string][] | undefined {
  const rename = renamePattern.exec(statement);
  return rename?.[1]?.split(', ').map((pair) => pair.split(' TO ') as [string, string]);
}

function distributedTable(layout: Required<ClickHouseLayout>, name: string, sortingKey: string): string {
  const { cluster, database } = layout;
  return `CREATE TABLE IF NOT EXISTS ${database}.${name} ON CLUSTER ${cluster} AS ${database}.${name}_local
ENGINE = Distributed(${cluster}, ${database}, ${name}_local, cityHash64(${sortingKey}))`;
}

/** A statement as the client runs it, with the settings it needs. */
export type LayoutCommand = Pick<CommandParams, 'query' | 'clickhouse_settings'>;

/**
 * A migration statement as it runs on the layout: unchanged on one server; on a cluster, through
 * ON CLUSTER DDL, a table becomes its Replicated engine per shard plus a Distributed table sharded
 * by a hash of its sorting key (a row always lands on the same shard, so replacing and
 * deduplication keep working), a materialized view reads and feeds the replicated tables, an
 * ALTER applies to the replicated table, a DROP drops both, and a RENAME renames the replicated
 * tables and puts Distributed tables in front of them anew (`sortingKeys`: each renamed table's
 * sorting key). An INSERT … SELECT moves data, which ON CLUSTER cannot: it runs once, from
 * Distributed table to Distributed table (see `copyBetweenDistributed`). Statements of other shapes
 * are refused, so a migration that cannot run on a cluster says so instead of doing something else.
 */
export function statementsFor(
  layout: ClickHouseLayout,
  statement: string,
  sortingKeys: ReadonlyMap<string, string> = new Map(),
): LayoutCommand[] {
  const { cluster, database } = layout;
  if (!cluster) return [{ query: statement }];
  const copy = copyBetweenDistributed({ cluster, database }, statement);
  if (copy) return [copy];
  return ddlOnCluster({ cluster, database }, statement, sortingKeys).map((query) => ({ query }));
}

/**
 * An INSERT … SELECT on a cluster, run on the one server the client reaches: the SELECT reads every
 * shard through the source's Distributed table and the insert puts each row on the shard of the
 * target's sorting key. A copy per shard between the local tables would not do: the target may be
 * sharded by another key (migration 2 changes pricing_prices' sorting key), which would leave rows
 * on the wrong shard. Synchronous (`insert_distributed_sync` as a setting of the query, so it holds
 * for the insert whatever the client's own settings), so every shard has the rows before the next
 * statement renames or drops the tables, which would lose rows still queued for the background sender.
 */
function copyBetweenDistributed(
  layout: Required<ClickHouseLayout>,
  statement: string,
): LayoutCommand | undefined {
  const copy = insertSelectPattern.exec(statement);
  if (!copy) return undefined;
  const [, target, select, source, rest] = copy as unknown as string[];
  const { database } = layout;
  return {
    query: `INSERT INTO ${database}.${target} ${select}${database}.${source}${rest}`,
    clickhouse_settings: { insert_distributed_sync: 1 },
  };
}

/** A DDL statement as ON CLUSTER statements on the replicated and Distributed tables. */
function ddlOnCluster(
  layout: Required<ClickHouseLayout>,
  statement: string,
  sortingKeys: ReadonlyMap<string, string>,
): string[] {
  const { cluster, database } = layout;
  const onCluster = `ON CLUSTER ${cluster}`;
  const table = createTablePattern.exec(statement);
  if (table) {
    const [, ifNotExists = '', name, columns, engine, args, rest] = table as unknown as string[];
    const local = `${name}_local`;
    // a path of its own per creation: a table dropped or renamed keeps its old one in ZooKeeper for a while
    const path = `/clickhouse/tables/{shard}/${database}/${local}-${Date.now().toString(36)}`;
    const replicatedArgs = [`'${path}'`, "'{replica}'"];
    if (args?.trim()) replicatedArgs.push(args.trim());
    const order = orderByPattern.exec(rest ?? '');
    const sortingKey = order?.[2] ?? order?.[1];
    if (!sortingKey) throw new SluiceError('ING_PROGRAMMING', `no ORDER BY to shard ${name} by`);
    return [
      `CREATE TABLE ${ifNotExists}${database}.${local} ${onCluster} (${columns}) ENGINE = Replicated${engine}(${replicatedArgs.join(', ')})${rest}`,
      distributedTable({ cluster, database }, name as string, sortingKey),
    ];
  }
  const view = createViewPattern.exec(statement);
  if (view) {
    const [, name, target, select, source, rest] = view as unknown as string[];
    return [
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.${name} ${onCluster} TO ${database}.${target}_local AS${select}${database}.${source}_local${rest}`,
    ];
  }
  const alter = alterTablePattern.exec(statement);
  if (alter) return [`ALTER TABLE ${database}.${alter[1]}_local ${onCluster} ${alter[2]}`];
  const drop = dropTablePattern.exec(statement);
  if (drop) {
    return [
      `DROP TABLE IF EXISTS ${database}.${drop[1]} ${onCluster}`,
      `DROP TABLE IF EXISTS ${database}.${drop[1]}_local ${onCluster}`,
    ];
  }
  const renamed = renamedTables(statement);
  if (renamed) {
    const pairs = renamed.map(([from, to]) => `${database}.${from}_local TO ${database}.${to}_local`);
    return [
      `RENAME TABLE ${pairs.join(', ')} ${onCluster}`,
      // the Distributed tables named after the old and new names point at local tables by name
      ...[...new Set(renamed.flat())].map((name) => `DROP TABLE IF EXISTS ${database}.${name} ${onCluster}`),
      ...renamed.map(([from, to]) => {
        const sortingKey = sortingKeys.get(from);
        if (!sortingKey)
          throw new SluiceError('ING_PROGRAMMING', `no sorting key of ${from} to shard ${to} by`);
        return distributedTable({ cluster, database }, to, sortingKey);
      }),
    ];
  }
  throw new SluiceError(
    'ING_PROGRAMMING',
    `this ClickHouse statement has no cluster form (CREATE TABLE and MATERIALIZED VIEW, ALTER, DROP, INSERT … SELECT and RENAME TABLE have): ${statement.slice(0, 80)}`,
  );
}

/**
 * A client whose commands run in their form for the layout (statementsFor); queries go through
 * as they are. What migrations and retention are given, so their statements are written once for
 * one server and hold on a cluster too.
 */
export function layoutClient(client: ClickHouseClient, layout: ClickHouseLayout): ClickHouseClient {
  if (!layout.cluster) return client;
  const command = async ({ query }: { query: string }) => {
    const renamed = renamedTables(query);
    const sortingKeys = new Map<string, string>();
    if (renamed) {
      const result = await client.query({
        query: `SELECT name, sorting_key FROM system.tables WHERE database = '${layout.database}'
                AND name IN (${renamed.map(([from]) => `'${from}_local'`).join(', ')})`,
        format: 'JSONEachRow',
      });
      for (const row of await result.json<{ name: string; sorting_key: string }>())
        sortingKeys.set(row.name.replace(/_local$/, ''), row.sorting_key);
    }
    for (const layoutCommand of statementsFor(layout, query, sortingKeys))
      await client.command(layoutCommand);
    return undefined as never;
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'command' ? command : Reflect.get(target, property, receiver),
  });
}

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

/** pricing_prices as migration 1 made it (ordered without currency, purchase option); see migration 2. */
function pricingTablesV1(features: ClickHouseFeatures): string[] {
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

/** The columns migration 1 gave pricing_prices: what migration 2 copies into the re-ordered table. */
const pricingColumnsV1 = [
  'event_id',
  'provider',
  'service',
  'category',
  'region',
  'region_name',
  'original_region',
  'sku',
  'product',
  'price_per_unit_usd',
  'unit',
  'original_amount',
  'original_currency',
  'original_unit',
  'price_type',
  'term',
  'tier_start',
  'effective_from',
  'collection_id',
  'fetched_at',
  'processed_at',
  'trace_id',
  'kafka_topic',
  'kafka_partition',
  'kafka_offset',
  'loaded_at',
];

/**
 * pricing_prices ordered by the price's identity (provider, sku, region, currency, price type, term,
 * purchase option, tier start) then version, so FINAL keeps one row per version of each identity and
 * a price in another currency never replaces this one; with the attributes a comparison filters on.
 */
function pricingPricesTable(name: string, features: ClickHouseFeatures): string {
  const { time, label, dedupe } = columnTypes(features);
  return `CREATE TABLE ${name} (
  event_id String,
  provider ${label},
  service ${label},
  category ${label},
  region ${label},
  region_name String,
  original_region Nullable(String),
  provider_region_name Nullable(String),
  region_mapped UInt8 DEFAULT 1,
  sku String,
  product Nullable(String),
  price_per_unit_usd Decimal(38, 12),
  unit ${label},
  original_amount Decimal(38, 12),
  original_currency ${label},
  original_unit String,
  usd_rate Nullable(Decimal(38, 12)),
  usd_rate_date Nullable(Date),
  price_type ${label},
  term String,
  purchase_option String DEFAULT '',
  offering_class Nullable(String),
  amortized UInt8 DEFAULT 0,
  tier_start Float64,
  tier_end Nullable(Float64),
  instance_type Nullable(String),
  vcpu Nullable(Float64),
  memory_gib Nullable(Float64),
  operating_system Nullable(String),
  tenancy Nullable(String),
  storage_class Nullable(String),
  effective_from ${time},
  collection_id String,
  fetched_at ${time},
  processed_at ${time},
  trace_id Nullable(String),${kafkaColumns}
) ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(effective_from)
ORDER BY (provider, sku, region, original_currency, price_type, term, purchase_option, tier_start, effective_from)${dedupe}`;
}

/** Keeps sink_progress current from one table's inserts. */
function progressView(table: string): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS sink_progress_${table}_mv TO sink_progress AS
SELECT '${table}' AS source_table, kafka_topic, kafka_partition, maxState(kafka_offset + 1) AS next_offset
FROM ${table}
GROUP BY kafka_topic, kafka_partition`;
}

/** Highest loaded offset per source partition, kept by materialized views as rows are inserted. */
function progressTables(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS sink_progress (
  source_table String,
  kafka_topic String,
  kafka_partition UInt16,
  next_offset AggregateFunction(max, UInt64)
) ENGINE = AggregatingMergeTree()
ORDER BY (source_table, kafka_topic, kafka_partition)`,
    progressView('telemetry_readings'),
    progressView('pricing_prices'),
  ];
}

async function columnsOf(client: ClickHouseClient, table: string): Promise<Set<string>> {
  const result = await client.query({
    query: `SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '${table}'`,
    format: 'JSONEachRow',
  });
  return new Set((await result.json<{ name: string }>()).map((row) => row.name));
}

/**
 * Migration 2: pricing_prices re-ordered by the whole price identity. No server version can change a
 * sorting key this way in place (18.16 cannot alter it at all), so the table is created anew, filled
 * from the old one and swapped in by name. Each step can be re-run: a migration that died half-way
 * starts over from the old table, and once swapped only the clean-up is left.
 */
async function orderPricesByIdentity(client: ClickHouseClient, features: ClickHouseFeatures): Promise<void> {
  const run = (query: string) => client.command({ query });
  if (!(await columnsOf(client, 'pricing_prices')).has('purchase_option')) {
    await run('DROP TABLE IF EXISTS pricing_prices_v2');
    await run(pricingPricesTable('pricing_prices_v2', features));
    // the view follows the table it reads by name: re-created on the new table below
    await run('DROP TABLE IF EXISTS sink_progress_pricing_prices_mv');
    const columns = pricingColumnsV1.join(', ');
    await run(`INSERT INTO pricing_prices_v2 (${columns}) SELECT ${columns} FROM pricing_prices`);
    await run('RENAME TABLE pricing_prices TO pricing_prices_v1, pricing_prices_v2 TO pricing_prices');
  }
  await run('DROP TABLE IF EXISTS pricing_prices_v1');
  await run(progressView('pricing_prices'));
}

export interface ClickHouseMigration {
  version: number;
  name: string;
  apply(client: ClickHouseClient, features: ClickHouseFeatures): Promise<void>;
}

/** A migration made of statements that are each idempotent (CREATE … IF NOT EXISTS). */
function statements(list: (features: ClickHouseFeatures) => string[]) {
  return async (client: ClickHouseClient, features: ClickHouseFeatures) => {
    for (const query of list(features)) await client.command({ query });
  };
}

/** Append only: a released migration never changes; add the next number instead. */
export const clickhouseMigrations: ClickHouseMigration[] = [
  {
    version: 1,
    name: 'telemetry, rollups, prices and sink progress',
    apply: statements((features) => [
      ...telemetryTables(features),
      ...pricingTablesV1(features),
      ...progressTables(),
    ]),
  },
  {
    version: 2,
    name: 'pricing_prices ordered by the whole price identity, with comparison attributes',
    apply: orderPricesByIdentity,
  },
];

/**
 * Applies the migrations not applied yet (each can be re-run, so a race or a crash half-way is
 * harmless), on one server or across the layout's cluster: a migration's statements go through
 * `layoutClient`, which runs each in its form for the layout.
 */
export async function migrateClickHouse(
  client: ClickHouseClient,
  features: ClickHouseFeatures,
  layout: ClickHouseLayout,
  migrations: readonly ClickHouseMigration[] = clickhouseMigrations,
): Promise<string[]> {
  const ddl = layoutClient(client, layout);
  await ddl.command({
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
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await migration.apply(ddl, features);
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: migration.version, name: migration.name, server_version: features.version }],
      format: 'JSONEachRow',
    });
    done.push(`${migration.version} ${migration.name}`);
  }
  return done;
}
