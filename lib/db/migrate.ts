import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { SluiceError } from '../errors.ts';

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function migrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/** The migrations not applied yet, read without a lock or a write (so a role without DDL rights may ask). */
export async function pendingMigrations(pool: pg.Pool, dir = migrationsDir): Promise<Migration[]> {
  const { rows } = await pool.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const applied = new Map(
    rows[0]?.present
      ? (
          await pool.query<{ version: number; checksum: string }>(
            'SELECT version, checksum FROM schema_migrations',
          )
        ).rows.map((row) => [row.version, row.checksum])
      : [],
  );
  return migrations(dir).filter((migration) => {
    const checksum = applied.get(migration.version);
    if (checksum !== undefined && checksum !== migration.checksum) throw changedAfterApplied(migration);
    return checksum === undefined;
  });
}

function changedAfterApplied(migration: Migration): SluiceError {
  return new SluiceError(
    'ING_CONFIG_INVALID',
    `migration ${migration.name} was changed after it was applied; add a new numbered migration instead`,
  );
}

/**
 * Applies the numbered SQL files not applied yet, in one transaction under an advisory lock
 * (so concurrent starters wait rather than race). An applied file that changed is refused. A role
 * that may not change the schema (the components' writer) gets a clear error when something is
 * pending, and nothing to do otherwise.
 */
export async function migrate(pool: pg.Pool, dir = migrationsDir): Promise<string[]> {
  const pending = await pendingMigrations(pool, dir);
  if (pending.length === 0) return [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('sluice.schema_migrations'))");
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Map(
      (
        await client.query<{ version: number; checksum: string }>(
          'SELECT version, checksum FROM schema_migrations',
        )
      ).rows.map((row) => [row.version, row.checksum]),
    );
    const done: string[] = [];
    for (const migration of migrations(dir)) {
      const checksum = applied.get(migration.version);
      if (checksum === migration.checksum) continue;
      if (checksum !== undefined) throw changedAfterApplied(migration);
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      done.push(migration.name);
    }
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    if ((err as { code?: string }).code === '42501') {
      throw new SluiceError(
        'ING_DB_MISCONFIGURED',
        `the database schema lacks ${pending.map((m) => m.name).join(', ')} and this role may not change it: run \`sluice db migrate\` (it connects with DATABASE_OWNER_URL)`,
        { cause: err },
      );
    }
    throw err;
  } finally {
    client.release();
  }
}
