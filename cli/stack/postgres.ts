import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../lib/db/migrate.ts';
import { SluiceError } from '../../lib/errors.ts';
import { ensureDebianPackage, postgresBinDir } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';

const user = 'sluice';
const password = 'sluice';
const database = 'sluice';

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

export function postgresService(settings: StackSettings, serviceDir: string): ServiceDefinition {
  const port = settings.postgresPort;
  const url = `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  const connect = async (db: string, run: (client: pg.Client) => Promise<void>) => {
    const client = new pg.Client({
      connectionString: `postgres://${user}:${password}@127.0.0.1:${port}/${db}`,
      connectionTimeoutMillis: 2000,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      await run(client);
    } finally {
      await client.end();
    }
  };
  const account = serverAccount();
  const data = dataDir(serviceDir, account);

  return {
    name: 'postgres',
    envVar: 'DATABASE_URL',
    connection: { DATABASE_URL: url },
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
      const pwFile = join(dirname(data), 'initdb.pw');
      writeFileSync(pwFile, `${password}\n`, { mode: 0o644 });
      if (account) {
        chownSync(data, account.uid, account.gid);
      }
      const initdb = spawnSync(
        join(postgresBinDir() as string, 'initdb'),
        [
          '-D',
          data,
          '-U',
          user,
          `--pwfile=${pwFile}`,
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '-E',
          'UTF8',
          '--locale=C',
        ],
        { encoding: 'utf8', uid: account?.uid, gid: account?.gid },
      );
      rmSync(pwFile, { force: true });
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
          '-c',
          'shared_buffers=256MB',
        ],
        uid: account?.uid,
        gid: account?.gid,
      };
    },
    probe: () =>
      connect('postgres', async (client) => void (await client.query('SELECT 1'))).then(() => true),
    async afterReady() {
      await connect('postgres', async (client) => {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
      });
      // The local database comes with Sluice's schema, as `sluice db migrate` would apply it.
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
    },
  };
}
