import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { migrate } from '../../lib/db/migrate.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { ensureMonths, expireMonths, firstKeptMonth, monthIndex } from './partitions.ts';

/**
 * Monthly partitions of telemetry_readings against the real PostgreSQL: months from 2019 (no other
 * test writes there) are created, then expired by a retention as of 2020: detached (kept as a
 * table of their own, rows and all) or dropped.
 */
describe('telemetry_readings monthly partitions', () => {
  let pool: pg.Pool;
  const months = ['201901', '201902', '201903'];
  const asOf = Date.UTC(2019, 4, 15); // May 2019: with 2 months kept, March and April stay

  const attached = async () =>
    (
      await pool.query<{ name: string }>(
        `SELECT child.relname AS name FROM pg_inherits
         JOIN pg_class child ON child.oid = pg_inherits.inhrelid
         JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
         WHERE parent.relname = 'telemetry_readings' AND child.relname LIKE 'telemetry_readings_2019%'`,
      )
    ).rows
      .map((row) => row.name)
      .sort();
  const exists = async (name: string) =>
    (await pool.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [name])).rows[0]?.found !==
    null;

  before(async () => {
    pool = createPgPool();
    await migrate(pool);
  });

  after(async () => {
    for (const month of months) await pool.query(`DROP TABLE IF EXISTS telemetry_readings_${month}`);
    await pool.end();
  });

  it('keeps the months of the retention and detaches the older ones with their rows', async () => {
    await ensureMonths(
      pool,
      [Date.UTC(2019, 0, 1), Date.UTC(2019, 1, 1), Date.UTC(2019, 2, 1)].map(monthIndex),
    );
    await ensureMonths(pool, [monthIndex(Date.UTC(2019, 0, 1))]); // again: harmless
    assert.deepEqual(
      await attached(),
      months.map((m) => `telemetry_readings_${m}`),
    );
    await pool.query(
      `INSERT INTO telemetry_readings (event_id, source, device_id, metric, value, unit, source_time, received_at,
         processed_at, quality_level, quality_score, lineage_topic, lineage_partition, lineage_offset)
       VALUES ('partitions-test-1', 'http', 'partitions-test', 'temperature', 1, 'degC', '2019-01-10T00:00:00Z',
         now(), now(), 'good', 1, 't', 0, 0)`,
    );
    assert.equal(firstKeptMonth({ months: 2, action: 'detach' }, asOf), monthIndex(Date.UTC(2019, 2, 1)));

    const detached = await expireMonths(pool, { months: 2, action: 'detach' }, asOf);
    assert.deepEqual(
      detached.map(({ done }) => done),
      ['detached telemetry_readings_201901', 'detached telemetry_readings_201902'],
    );
    assert.deepEqual(await attached(), ['telemetry_readings_201903']);
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM telemetry_readings_201901',
    );
    assert.equal(rows[0]?.n, 1, 'a detached month keeps its rows');
    const inTable = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM telemetry_readings WHERE event_id = 'partitions-test-1'",
    );
    assert.equal(inTable.rows[0]?.n, 0, 'and leaves the table');

    const dropped = await expireMonths(pool, { months: 1, action: 'drop' }, Date.UTC(2019, 4, 15));
    assert.deepEqual(
      dropped.map(({ done }) => done),
      ['dropped telemetry_readings_201903'],
    );
    assert.equal(await exists('telemetry_readings_201903'), false);
    assert.deepEqual(await expireMonths(pool, { months: 0, action: 'drop' }, asOf), [], '0 keeps everything');
  });
});
