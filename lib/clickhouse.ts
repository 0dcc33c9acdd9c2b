import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { defineSettings, loadSettings, type SettingsOf, setting, str, url } from './config.ts';

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
