import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type ClickHouseSettings, clickhouseSettings, createClickHouse } from '../lib/clickhouse.ts';
import { environment, loadSettings } from '../lib/config.ts';
import { migrate } from '../lib/db/migrate.ts';
import { type PostgresRole, postgresSettings, roleConnection } from '../lib/postgres.ts';
import { localClickHouseAdmin } from './support.ts';

/** insufficient_privilege: a backend of another role (the writer, the reader) still in the database. */
const otherRolesBackend = '42501';

/**
 * Drops the database, ending its connections first. The owner cannot end the backends of the other
 * roles; those left are of clients already gone (a component stopped, a pool ended) and exit within
 * moments, so the drop is tried again for up to 10 s.
 */
async function dropDatabase(admin: pg.Pool, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== otherRolesBackend || attempt >= 50) throw err;
      await sleep(200);
    }
  }
}

/**
 * A PostgreSQL database and a ClickHouse database of a test's own on the local stack, made anew
 * (PostgreSQL's migrated), so what the test reads back is only what it loaded, however long the
 * stack has lived. `env` points components at them; `drop()` removes both.
 */
export class PrivateDatabases {
  private constructor(
    /** Letters, digits and _: the name of both databases. */
    readonly name: string,
    /** The connection settings of every component, as environment variables. */
    readonly env: Record<string, string>,
    /** Where they were made from (the stack's own databases), to drop them from. */
    private readonly servers: { ownerUrl: string; clickhouse: ClickHouseSettings },
  ) {}

  static async create(name: string): Promise<PrivateDatabases> {
    const base = environment();
    const settings = loadSettings(postgresSettings, base);
    const inDatabase = (role: PostgresRole) => {
      const url = new URL(roleConnection(settings, role).url);
      url.pathname = `/${name}`;
      return url.toString();
    };
    // the schema's owner makes the database and its tables; the components write as the writer
    const admin = new pg.Pool({ connectionString: roleConnection(settings, 'owner').url, max: 1 });
    try {
      await dropDatabase(admin, name);
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const owner = new pg.Pool({ connectionString: inDatabase('owner'), max: 1 });
    try {
      await migrate(owner);
    } finally {
      await owner.end();
    }
    // the sinks' user stops at the sluice database: a database of its own needs the local admin
    const clickhouseAdmin = localClickHouseAdmin();
    const clickhouse = { ...loadSettings(clickhouseSettings, base), ...clickhouseAdmin };
    const server = createClickHouse(clickhouse);
    try {
      await server.command({ query: `CREATE DATABASE IF NOT EXISTS ${name}` });
    } finally {
      await server.close();
    }
    const servers = { ownerUrl: roleConnection(settings, 'owner').url, clickhouse };
    return new PrivateDatabases(
      name,
      {
        DATABASE_URL: inDatabase('writer'),
        DATABASE_OWNER_URL: inDatabase('owner'),
        DATABASE_READER_URL: inDatabase('reader'),
        CLICKHOUSE_DATABASE: name,
        ...(clickhouseAdmin
          ? { CLICKHOUSE_USER: clickhouseAdmin.user, CLICKHOUSE_PASSWORD: clickhouseAdmin.password }
          : {}),
      },
      servers,
    );
  }

  async drop(): Promise<void> {
    const server = createClickHouse(this.servers.clickhouse);
    try {
      await server.command({ query: `DROP DATABASE IF EXISTS ${this.name}` });
    } finally {
      await server.close();
    }
    const admin = new pg.Pool({ connectionString: this.servers.ownerUrl, max: 1 });
    try {
      await dropDatabase(admin, this.name);
    } finally {
      await admin.end();
    }
  }
}
