import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { defineSettings, loadSettings, type SettingsOf, setting, str, url } from './config.ts';
import { SluiceError } from './errors.ts';

export const clickhouseSettings = defineSettings('clickhouse', {
  url: setting(
    'CLICKHOUSE_URL',
    url(['http', 'https']),
    'http://127.0.0.1:18123',
    'ClickHouse HTTP endpoint.',
  ),
  database: setting('CLICKHOUSE_DATABASE', str, 'sluice', 'ClickHouse database holding the Sluice tables.'),
  user: setting('CLICKHOUSE_USER', str, 'default', 'ClickHouse user.'),
  password: setting('CLICKHOUSE_PASSWORD', z.string(), '', 'ClickHouse password (empty for none).'),
  cluster: setting(
    'CLICKHOUSE_CLUSTER',
    z.string().trim(),
    '',
    'ClickHouse cluster (remote_servers name) the tables are spread over: replicated tables per shard with Distributed tables in front (empty: one server). `sluice stack up` sets it for its local cluster.',
  ),
});

export type ClickHouseSettings = SettingsOf<typeof clickhouseSettings>;

/**
 * Where the tables live: one server, or a cluster (a remote_servers name) where each table is a
 * replicated table per shard (`<table>_local`) with a Distributed table named as the table in front,
 * so readers and writers use the same names either way.
 */
export interface ClickHouseLayout {
  database: string;
  cluster?: string;
}

export function clickhouseLayout(
  settings: ClickHouseSettings = loadSettings(clickhouseSettings),
): ClickHouseLayout {
  return { database: settings.database, cluster: settings.cluster || undefined };
}

export function createClickHouse(
  settings: ClickHouseSettings = loadSettings(clickhouseSettings),
): ClickHouseClient {
  return createClient({
    url: settings.url,
    database: settings.database,
    username: settings.user,
    password: settings.password,
    // on a cluster, an insert through a Distributed table returns once every shard has its rows, and
    // reads and writes go to the first live replica of each shard, so a read sees what was written
    clickhouse_settings: settings.cluster
      ? { insert_distributed_sync: 1, load_balancing: 'in_order' }
      : undefined,
  });
}

/**
 * What the server can do, from `SELECT version()`: Debian's 18.16 lacks much of what current
 * servers have, so sinks and the API choose by version (and are tested on 18.16 here).
 */
export interface ClickHouseFeatures {
  version: string;
  /** DateTime64(3): millisecond times in the time columns themselves (20.1+). */
  dateTime64: boolean;
  /** LowCardinality(String) for repetitive strings (20.1+; experimental before). */
  lowCardinality: boolean;
  /** Table TTL for retention (19.6+); 18.16 drops old partitions instead. */
  ttl: boolean;
  /** Server-side batching of small inserts (21.11+). */
  asyncInsert: boolean;
  /** insert_deduplication_token with non_replicated_deduplication_window (22.2+). */
  deduplicationToken: boolean;
  /** `{name:Type}` placeholders bound from `query_params` (19.11+); 18.16 answers "Unknown setting param_x". */
  queryParameters: boolean;
}

export function featuresOf(version: string): ClickHouseFeatures {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const atLeast = (wantMajor: number, wantMinor: number) =>
    major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return {
    version,
    dateTime64: atLeast(20, 1),
    lowCardinality: atLeast(20, 1),
    ttl: atLeast(19, 6),
    asyncInsert: atLeast(21, 11),
    deduplicationToken: atLeast(22, 2),
    queryParameters: atLeast(19, 11),
  };
}

export async function detectFeatures(client: ClickHouseClient): Promise<ClickHouseFeatures> {
  const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  if (!row) throw new SluiceError('ING_DB_MISCONFIGURED', 'ClickHouse did not answer SELECT version()');
  return featuresOf(row.version);
}

/** Table names the sink writes and the API reads. */
export const telemetryTable = 'telemetry_readings';
export const pricingTable = 'pricing_prices';

/** Tables the telemetry rollups are kept in, by granularity. */
export const rollupTables = {
  minute: { table: 'telemetry_rollup_minute', bucket: 'toStartOfMinute' },
  hour: { table: 'telemetry_rollup_hour', bucket: 'toStartOfHour' },
} as const;
