import type pg from 'pg';

/**
 * telemetry_readings is partitioned by month of source_time (migration 040): the sink creates the
 * months ahead of time and, with a retention, detaches or drops the months that ended before it.
 */

/** A month as a count of months since year 0 (UTC), so months add and compare as numbers. */
export const monthIndex = (epochMs: number) => {
  const date = new Date(epochMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};

/** The first day of a month index, as PostgreSQL reads a date. */
export const monthStart = (index: number) =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;

export interface PartitionRetention {
  /** Whole months kept before the current one; 0 keeps every month. */
  months: number;
  /** What happens to an expired month: detached (a table of its own, to archive) or dropped. */
  action: 'detach' | 'drop';
}

/** The first month kept (rows of earlier months are expired), or undefined without a retention. */
export function firstKeptMonth(retention: PartitionRetention, now = Date.now()): number | undefined {
  return retention.months > 0 ? monthIndex(now) - retention.months : undefined;
}

/** Creates the partitions of these months where missing (concurrent callers are safe: the function locks). */
export async function ensureMonths(pool: pg.Pool, months: Iterable<number>): Promise<void> {
  for (const month of months)
    await pool.query('SELECT ensure_telemetry_partition($1::date)', [monthStart(month)]);
}

/**
 * Detaches or drops the attached monthly partitions that end before the first kept month; returns
 * what it did. A detached month keeps its name (telemetry_readings_YYYYMM) and its rows, outside the table.
 */
export async function expireMonths(
  pool: pg.Pool,
  retention: PartitionRetention,
  now = Date.now(),
): Promise<{ month: number; done: string }[]> {
  const firstKept = firstKeptMonth(retention, now);
  if (firstKept === undefined) return [];
  const { rows } = await pool.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits
     JOIN pg_class child ON child.oid = pg_inherits.inhrelid
     JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
     WHERE parent.relname = 'telemetry_readings' AND parent.relnamespace = to_regnamespace(current_schema())::oid`,
  );
  const actions: { month: number; done: string }[] = [];
  for (const { name } of rows) {
    const match = /^telemetry_readings_(\d{4})(\d{2})$/.exec(name);
    const month = match ? Number(match[1]) * 12 + Number(match[2]) - 1 : undefined;
    if (month === undefined || month >= firstKept) continue;
    if (retention.action === 'drop') await pool.query(`DROP TABLE ${name}`);
    else await pool.query(`ALTER TABLE telemetry_readings DETACH PARTITION ${name}`);
    actions.push({ month, done: `${retention.action === 'drop' ? 'dropped' : 'detached'} ${name}` });
  }
  return actions;
}
