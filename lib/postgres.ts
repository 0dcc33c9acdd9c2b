import pg from 'pg';
import { defineSettings, loadSettings, positiveInt, type SettingsOf, setting, url } from './config.ts';

export const postgresSettings = defineSettings('postgres', {
  url: setting(
    'DATABASE_URL',
    url(['postgres', 'postgresql']),
    'postgres://sluice:sluice@127.0.0.1:15432/sluice',
    'PostgreSQL connection URL (runs, checkpoints, API keys, device registry, normalized tables).',
  ),
  poolSize: setting('DATABASE_POOL_SIZE', positiveInt, '10', 'Connections per process.'),
});

export type PostgresSettings = SettingsOf<typeof postgresSettings>;

export function createPgPool(settings: PostgresSettings = loadSettings(postgresSettings)): pg.Pool {
  return new pg.Pool({ connectionString: settings.url, max: settings.poolSize });
}
