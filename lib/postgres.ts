import pg from 'pg';
import { z } from 'zod';
import { defineSettings, loadSettings, positiveInt, type SettingsOf, setting, url } from './config.ts';

export const postgresSettings = defineSettings('postgres', {
  url: setting(
    'DATABASE_URL',
    url(['postgres', 'postgresql']),
    'postgres://sluice:sluice@127.0.0.1:15432/sluice',
    'PostgreSQL connection URL (runs, checkpoints, API keys, device registry, normalized tables).',
  ),
  replicaUrl: setting(
    'DATABASE_REPLICA_URL',
    z.union([z.literal(''), url(['postgres', 'postgresql'])]),
    '',
    'PostgreSQL URL of a read replica (a streaming standby) for read-only queries such as the API’s; empty: DATABASE_URL.',
  ),
  poolSize: setting('DATABASE_POOL_SIZE', positiveInt, '10', 'Connections per process.'),
});

export type PostgresSettings = SettingsOf<typeof postgresSettings>;

/** A pool from the settings; `extra` adds options such as a statement_timeout. */
export function createPgPool(
  settings: PostgresSettings = loadSettings(postgresSettings),
  extra: Omit<pg.PoolConfig, 'connectionString' | 'max'> = {},
): pg.Pool {
  return new pg.Pool({ ...extra, connectionString: settings.url, max: settings.poolSize });
}

/** A decimal's text without the scale's trailing zeros: numeric(38, 12) '0.096000000000' → '0.096'. */
export function decimalText(value: string | number): string {
  const text = String(value);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * A pool for read-only queries: on the replica when DATABASE_REPLICA_URL names one (what a replica
 * serves lags the primary by its replication delay), else on the primary. Writes through it fail on a replica.
 */
export function createPgReadPool(settings: PostgresSettings = loadSettings(postgresSettings)): pg.Pool {
  return new pg.Pool({ connectionString: settings.replicaUrl || settings.url, max: settings.poolSize });
}
