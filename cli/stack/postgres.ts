import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import { migrate } from '../../lib/db/migrate.ts';
import { SluiceError } from '../../lib/errors.ts';
import { postgresLibrary } from '../../lib/postgres.ts';
import { ensureDebianPackage, postgresBinDir } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';

const database = 'sluice';

/**
 * The roles of the local database, none a superuser: the schema's owner (migrations; it may create
 * databases, which tests of their own use), the writer every component connects as (rows only, no
 * DDL) and the reader the API connects as.
 */
const roles = {
  owner: { name: 'sluice', password: 'sluice', createdb: true },
  writer: { name: 'sluice_writer', password: 'sluice_writer', createdb: false },
  reader: { name: 'sluice_reader', password: 'sluice_reader', createdb: false },
} as const;

/**
 * The superuser, reachable only over the data dir's Unix socket (`initdb --auth-local=trust`, no
 * password for TCP). Data dirs made before the roles were split have `sluice` as their superuser;
 * the first start after the split makes `postgres` the superuser and demotes `sluice` to owner.
 */
const superuser = 'postgres';
const legacySuperuser = 'sluice';

/** PostgreSQL refuses to run as root: when we are root, the server runs as the Debian `postgres` user. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new SluiceError(
      'ING_STACK_START_FAILED',
      'running as root, but there is no `postgres` user to run PostgreSQL as',
    );
  }
  return { uid, gid };
}

/**
 * The data dir lives under `.sluice/postgres` unless the server account cannot reach it
 * (a checkout under /root, say); then under /var/lib/sluice, keyed by the checkout.
 */
function dataDir(serviceDir: string, account: { uid: number } | undefined): string {
  const inTree = join(serviceDir, 'data');
  if (!account) return inTree;
  mkdirSync(serviceDir, { recursive: true });
  const reachable = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', serviceDir]).status === 0;
  if (reachable) return inTree;
  const key = createHash('sha1').update(serviceDir).digest('hex').slice(0, 12);
  return join('/var/lib/sluice', key, 'postgres');
}

/**
 * The server's settings for Sluice's load: every event is two inserts (its normalized row and its
 * raw archive row) into tables whose event-id indexes take keys in no order. With 256 MB of buffers
 * and the default 1 GB of WAL between checkpoints, an end-to-end run forced 41 checkpoints, each
 * followed by a full-page image of every index page touched again (15 of its 21 GB of WAL), and
 * the backends wrote out 5.4 million buffers themselves. With these, a 60 s probe at 23,000
 * events/s saw one checkpoint. Crash recovery replays at most max_wal_size of WAL.
 */
export const postgresIngestSettings = {
  shared_buffers: '1GB',
  wal_buffers: '64MB',
  max_wal_size: '4GB',
  min_wal_size: '1GB',
  checkpoint_timeout: '10min',
};

/** The directory of the local server's Unix socket (its data dir), where only the superuser logs in (tests that replicate). */
export function localPostgresSocket(home: string): string {
  return dataDir(join(home, 'postgres'), serverAccount());
}

/** Run as the superuser: the roles exist, log in with their passwords, and none is a superuser. */
const setUpRoles = `
DO $$
DECLARE
  login record;
BEGIN
  FOR login IN SELECT * FROM (VALUES ${Object.values(roles)
    .map(
      ({ name, password, createdb }) =>
        `('${name}', '${password}', ${createdb ? "'CREATEDB'" : "'NOCREATEDB'"})`,
    )
    .join(', ')}) AS r(name, password, createdb) LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = login.name) THEN
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', login.name, login.password);
    END IF;
    EXECUTE format('ALTER ROLE %I NOSUPERUSER %s NOCREATEROLE NOREPLICATION NOBYPASSRLS LOGIN', login.name, login.createdb);
  END LOOP;
END $$`;

export function postgresService(settings: StackSettings, serviceDir: string): ServiceDefinition {
  const port = settings.postgresPort;
  const roleUrl = ({ name, password }: { name: string; password: string }) =>
    `postgres://${name}:${password}@127.0.0.1:${port}/${database}`;
  const url = roleUrl(roles.writer);
  const account = serverAccount();
  const data = dataDir(serviceDir, account);
  /** A session of the superuser over the socket in the data dir. */
  const asSuperuser = async (db: string, run: (client: pg.Client) => Promise<void>, user = superuser) => {
    const client = new (postgresLibrary().Client)({
      host: data,
      port,
      user,
      database: db,
      connectionTimeoutMillis: 2000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      // a data dir from before the split: its superuser is `sluice` until setUpRoles made `postgres`
      if (user === superuser && (err as { code?: string }).code === '28000')
        return asSuperuser(db, run, legacySuperuser);
      throw err;
    }
    try {
      await run(client);
    } finally {
      await client.end();
    }
  };

  return {
    name: 'postgres',
    envVar: 'DATABASE_URL',
    connection: {
      DATABASE_URL: url,
      DATABASE_OWNER_URL: roleUrl(roles.owner),
      DATABASE_READER_URL: roleUrl(roles.reader),
    },
    url,
    marker: data,
    ports: [port],
    readyTimeoutMs: 60_000,
    async install() {
      ensureDebianPackage('postgresql', join(postgresBinDir() ?? '/usr/lib/postgresql/none/bin', 'postgres'));
    },
    async prepare() {
      if (existsSync(join(data, 'PG_VERSION'))) return;
      rmSync(data, { recursive: true, force: true });
      mkdirSync(dirname(data), { recursive: true, mode: 0o755 });
      mkdirSync(data, { mode: 0o700 });
      if (account) {
        chownSync(data, account.uid, account.gid);
      }
      // the superuser gets no password: over TCP only the roles made in afterReady log in
      const initdb = spawnSync(
        join(postgresBinDir() as string, 'initdb'),
        [
          '-D',
          data,
          '-U',
          superuser,
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '-E',
          'UTF8',
          '--locale=C',
        ],
        { encoding: 'utf8', uid: account?.uid, gid: account?.gid },
      );
      if (initdb.status !== 0) {
        rmSync(data, { recursive: true, force: true });
        throw new SluiceError('ING_STACK_START_FAILED', `initdb failed:\n${initdb.stderr || initdb.stdout}`);
      }
    },
    launch() {
      return {
        command: join(postgresBinDir() as string, 'postgres'),
        args: [
          '-D',
          data,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-k',
          data,
          '-c',
          'max_connections=200',
          ...Object.entries(postgresIngestSettings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
        ],
        uid: account?.uid,
        gid: account?.gid,
      };
    },
    probe: () =>
      asSuperuser('postgres', async (client) => void (await client.query('SELECT 1'))).then(() => true),
    async afterReady() {
      await asSuperuser('postgres', async (client) => {
        // first, so the legacy superuser can be demoted from a session of the new one
        await client.query(`DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${superuser}') THEN CREATE ROLE ${superuser} SUPERUSER LOGIN; END IF;
        END $$`);
      });
      await asSuperuser('postgres', async (client) => {
        await client.query(setUpRoles);
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0)
          await client.query(`CREATE DATABASE ${database} OWNER ${roles.owner.name}`);
        else await client.query(`ALTER DATABASE ${database} OWNER TO ${roles.owner.name}`);
      });
      // The local database comes with Sluice's schema, as `sluice db migrate` would apply it (as the owner).
      const pool = new (postgresLibrary().Pool)({ connectionString: roleUrl(roles.owner), max: 1 });
      pool.on('error', () => {});
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
    },
  };
}
