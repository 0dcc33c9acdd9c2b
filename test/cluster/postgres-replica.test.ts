import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { postgresBinDir } from '../../cli/stack/install.ts';
import { createPgPool, createPgReadPool } from '../../lib/postgres.ts';
import { uniqueSuffix } from '../support.ts';
import { PrivateStack, stopProcess } from './cluster-support.ts';

/**
 * DATABASE_REPLICA_URL against a real streaming standby: the stack's PostgreSQL (port 23450) and a
 * hot standby made from it with pg_basebackup (port 23451), under a home of their own. What is
 * written on the primary is read through createPgReadPool from the standby, which refuses writes.
 */
describe('PostgreSQL: reads from a streaming replica', { timeout: 300_000 }, () => {
  const stack = new PrivateStack({ SLUICE_POSTGRES_PORT: '23450' });
  const standbyPort = 23451;
  const standbyDir = join(stack.home, 'standby');
  // PostgreSQL runs as the Debian postgres account when we are root (as the stack does)
  const account =
    process.getuid?.() === 0
      ? {
          uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
          gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
        }
      : undefined;
  let standby: ChildProcess | undefined;
  let primary: pg.Pool;
  let reads: pg.Pool;

  before(async () => {
    stack.sluice(['stack', 'up', 'postgres']);
    const primaryUrl = stack.connection().DATABASE_URL as string;
    mkdirSync(standbyDir, { mode: 0o700 });
    if (account) chownSync(standbyDir, account.uid, account.gid);
    const bin = postgresBinDir() as string;
    const backup = spawnSync(
      join(bin, 'pg_basebackup'),
      ['-d', primaryUrl, '-D', standbyDir, '-R', '-X', 'stream', '-c', 'fast'],
      { encoding: 'utf8', uid: account?.uid, gid: account?.gid },
    );
    assert.equal(backup.status, 0, backup.stderr);
    // a hot standby needs at least the primary's max_connections (the stack runs 200)
    const args = ['-D', standbyDir, '-p', String(standbyPort), '-k', standbyDir];
    args.push('-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200');
    standby = spawn(join(bin, 'postgres'), args, { uid: account?.uid, gid: account?.gid, stdio: 'pipe' });
    let standbyLog = '';
    standby.stderr?.setEncoding('utf8').on('data', (chunk: string) => (standbyLog += chunk));
    const replicaUrl = primaryUrl.replace(':23450/', `:${standbyPort}/`);
    primary = createPgPool({ url: primaryUrl, replicaUrl: '', poolSize: 2 });
    reads = createPgReadPool({ url: primaryUrl, replicaUrl, poolSize: 2 });
    reads.on('error', () => {});
    for (let attempt = 0; ; attempt++) {
      try {
        await reads.query('SELECT 1');
        break;
      } catch (err) {
        if (attempt > 120 || standby.exitCode !== null)
          throw new Error(`standby: ${(err as Error).message}\n${standbyLog}`);
        await sleep(500);
      }
    }
  });

  after(async () => {
    await primary?.end();
    await reads?.end();
    if (standby) await stopProcess(standby, 'SIGTERM');
    await stack.close();
  });

  it('reads what the primary wrote, from a server in recovery that refuses writes', async () => {
    const recovery = async (pool: pg.Pool) =>
      (await pool.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby')).rows[0]?.standby;
    assert.equal(await recovery(primary), false);
    assert.equal(await recovery(reads), true);

    const device = `replica-${uniqueSuffix()}`;
    await primary.query('INSERT INTO devices (device_id, site_id) VALUES ($1, $2)', [device, 'site-r']);
    let seen: string | undefined;
    for (let attempt = 0; attempt < 100 && !seen; attempt++) {
      seen = (
        await reads.query<{ site_id: string }>('SELECT site_id FROM devices WHERE device_id = $1', [device])
      ).rows[0]?.site_id;
      if (!seen) await sleep(100);
    }
    assert.equal(seen, 'site-r', 'the row reached the replica');
    await assert.rejects(
      reads.query('INSERT INTO devices (device_id) VALUES ($1)', [`${device}-write`]),
      /read-only transaction/,
    );
  });
});
