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

export function createPgPool(settings: PostgresSettings = loadSettings(postgresSettings)): pg.Pool {
  return new pg.Pool({ connectionString: settings.url, max: settings.poolSize });
}

/**
 * A pool for read-only queries: on the replica when DATABASE_REPLICA_URL names one (what a replica
 * serves lags the primary by its replication delay), else on the primary. Writes through it fail on a replica.
 */
export function createPgReadPool(settings: PostgresSettings = loadSettings(postgresSettings)): pg.Pool {
  return new pg.Pool({ connectionString: settings.replicaUrl || settings.url, max: settings.poolSize });
}
