import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { componentLogger } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { TableChanges } from './table-changes.ts';

/** Polls until `check` holds (at most 20 s): notifications and reconnections arrive when they do. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await sleep(50);
  }
  assert.fail(`${what}: not within 20 s`);
}

describe('TableChanges: the version of a table as PostgreSQL notifications tell it', () => {
  const channel = `sluice_test_changes_${Math.random().toString(36).slice(2).replace(/\d/g, 'x')}`;
  let pool: pg.Pool;
  let other: pg.Pool;
  let changes: TableChanges;

  before(async () => {
    pool = createPgPool();
    other = createPgPool();
    changes = new TableChanges(pool, channel, 3_600_000, componentLogger('test'));
    await changes.start();
  });

  after(async () => {
    await changes.stop();
    await pool.end();
    await other.end();
  });

  it('moves on each notification, only once it is committed', async () => {
    const first = changes.version();
    assert.ok(first !== undefined, 'listening after start');
    const client = await other.connect();
    try {
      await client.query('BEGIN');
      await client.query(`NOTIFY ${channel}`);
      await sleep(200);
      assert.equal(changes.version(), first, 'an uncommitted change moves nothing');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await until('the committed notification', () => changes.version() !== first);
  });

  it('moves with time alone, every maxAge', () => {
    const now = Date.now();
    assert.notEqual(changes.version(now), changes.version(now + 3_600_000));
  });

  it('has no version while its connection is lost, and a new one once it listens again', async () => {
    const before = changes.version();
    const { rowCount } = await other.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1',
      [`LISTEN ${channel}`],
    );
    assert.equal(rowCount, 1);
    await until('the loss noticed', () => changes.version() === undefined);
    await until('listening again', () => changes.version() !== undefined);
    assert.notEqual(changes.version(), before, 'changes missed while away cannot be told apart');
    const again = changes.version();
    await other.query(`NOTIFY ${channel}`);
    await until('a notification on the new connection', () => changes.version() !== again);
  });

  it('refuses a channel name that is not a plain identifier', () => {
    assert.throws(() => new TableChanges(pool, 'x; DROP TABLE y', 1000, componentLogger('test')));
  });
});
