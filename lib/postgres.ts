import type pg from 'pg';
import {
  defineSettings,
  loadSettings,
  optional,
  positiveInt,
  type SettingsOf,
  setting,
  url,
} from './config.ts';
import { describeError, settingError } from './errors.ts';
import { lazyModule } from './lazy-module.ts';
import { componentLogger } from './logger.ts';

const postgresUrl = url(['postgres', 'postgresql']);

/** `pg`, loaded by the first pool or client (components without PostgreSQL never load it). */
export const postgresLibrary = lazyModule<typeof pg>('pg');

export const postgresSettings = defineSettings('postgres', {
  url: setting(
    'DATABASE_URL',
    postgresUrl,
    'postgres://sluice_writer:sluice_writer@127.0.0.1:15432/sluice',
    'PostgreSQL connection of the components that write (sinks, collectors, gateway, processors): a role that reads and writes the tables, not their owner.',
  ),
  ownerUrl: setting(
    'DATABASE_OWNER_URL',
    optional(postgresUrl),
    '',
    'PostgreSQL connection of the schema owner, for migrations (`sluice db migrate`, the local stack); empty: DATABASE_URL.',
  ),
  readerUrl: setting(
    'DATABASE_READER_URL',
    optional(postgresUrl),
    '',
    'PostgreSQL connection for read-only queries (the API): a role that only reads, on a read replica (a streaming standby) if there is one, whose answers lag by its replication delay; empty: DATABASE_URL.',
  ),
  poolSize: setting('DATABASE_POOL_SIZE', positiveInt, '10', 'Connections per process.'),
  connectTimeoutMs: setting(
    'DATABASE_CONNECT_TIMEOUT_MS',
    positiveInt,
    '5000',
    'Longest wait for a new PostgreSQL connection before the operation fails as unavailable.',
  ),
});

export type PostgresSettings = SettingsOf<typeof postgresSettings>;

/** Which of the connections a pool uses: the writers' (components), the owner's (migrations) or the readers' (API). */
export type PostgresRole = 'writer' | 'owner' | 'reader';

/** The setting a role's connection comes from, and its URL. */
export function roleConnection(
  settings: PostgresSettings,
  role: PostgresRole,
): { setting: string; url: string } {
  if (role === 'owner' && settings.ownerUrl) return { setting: 'DATABASE_OWNER_URL', url: settings.ownerUrl };
  if (role === 'reader' && settings.readerUrl)
    return { setting: 'DATABASE_READER_URL', url: settings.readerUrl };
  return { setting: 'DATABASE_URL', url: settings.url };
}

/**
 * The one PostgreSQL pool factory. A connection that cannot be made fails with one line naming the
 * setting and what was tried; a connection that dies (the server restarted or crashed), idle in the
 * pool or checked out between queries, is logged and dropped: never an unhandled 'error' event.
 */
export function createPgPool(
  settings: PostgresSettings = loadSettings(postgresSettings),
  role: PostgresRole = 'writer',
  /** Options such as a statement_timeout. */
  extra: Omit<pg.PoolConfig, 'connectionString' | 'max' | 'Client'> = {},
): pg.Pool {
  const connection = roleConnection(settings, role);
  const logger = componentLogger('postgres', { pool: role });
  const named = (err: Error) => settingError(connection.setting, connection.url, err);
  const { Client, Pool } = postgresLibrary();
  class SettingNamingClient extends Client {
    // the pool connects with a callback; `connect()` alone returns a promise
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
    override connect(
      callback?: (err: Error | null, client?: pg.Client) => void,
    ): Promise<pg.Client> | undefined {
      if (!callback) return super.connect().catch((err: Error) => Promise.reject(named(err)));
      super.connect((err: Error | null) => callback(err ? named(err) : null, this));
      return undefined;
    }
  }
  const pool = new Pool({
    ...extra,
    connectionString: connection.url,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    keepAlive: true,
    Client: SettingNamingClient,
  });
  pool.on('error', (err) => logger.warn({ err: describeError(err) }, 'idle PostgreSQL connection lost'));
  pool.on('connect', (client) => {
    client.on('error', (err) => logger.warn({ err: describeError(err) }, 'PostgreSQL connection lost'));
  });
  return pool;
}

/** A pool for read-only queries (DATABASE_READER_URL): writes through it fail, on a replica or as the reader role. */
export function createPgReadPool(settings: PostgresSettings = loadSettings(postgresSettings)): pg.Pool {
  return createPgPool(settings, 'reader');
}

/** A decimal's text without the scale's trailing zeros: numeric(38, 12) '0.096000000000' → '0.096'. */
export function decimalText(value: string | number): string {
  const text = String(value);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
