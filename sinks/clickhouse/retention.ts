import type { ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseFeatures, type ClickHouseLayout, rollupTables } from '../../lib/clickhouse.ts';
import { statementsFor, storageTable } from './clickhouse-schema.ts';

/** Days of data kept; 0 keeps everything. */
export interface RetentionPolicy {
  readingsDays: number;
  rollupDays: number;
}

const dayMs = 86_400_000;

/** Monthly partitions (YYYYMM) that end before the cutoff: every row in them is older than retention. */
export function expiredPartitions(partitions: readonly string[], cutoffMs: number): string[] {
  return partitions.filter((partition) => {
    const match = /^(\d{4})(\d{2})$/.exec(partition);
    if (!match) return false;
    const nextMonthStart = Date.UTC(Number(match[1]), Number(match[2]), 1);
    return nextMonthStart <= cutoffMs;
  });
}

function retainedTables(policy: RetentionPolicy) {
  return [
    { table: 'telemetry_readings', column: 'source_time', days: policy.readingsDays },
    ...Object.values(rollupTables).map(({ table }) => ({ table, column: 'bucket', days: policy.rollupDays })),
  ].filter(({ days }) => days > 0);
}

/**
 * Applies retention: a TTL where the server has it (it then expires rows itself), else drops
 * the monthly partitions entirely older than the retention (whole months: up to a month more is kept).
 * Returns what it did, for the log and the CLI.
 */
export async function applyRetention(
  client: ClickHouseClient,
  features: ClickHouseFeatures,
  policy: RetentionPolicy,
  layout: ClickHouseLayout,
  now = Date.now(),
): Promise<string[]> {
  const actions: string[] = [];
  const alter = async (statement: string) => {
    for (const command of statementsFor(layout, statement)) await client.command(command);
  };
  for (const { table, column, days } of retainedTables(policy)) {
    if (features.ttl) {
      await alter(`ALTER TABLE ${table} MODIFY TTL toDateTime(${column}) + toIntervalDay(${days})`);
      actions.push(`${table}: TTL ${days} days`);
      continue;
    }
    // the partitions of the table's storage on every server (on a cluster, of every shard)
    const parts = layout.cluster ? `cluster('${layout.cluster}', system, parts)` : 'system.parts';
    const storage = storageTable(layout, table).replace(/^.*\./, '');
    const result = await client.query({
      query: `SELECT DISTINCT partition FROM ${parts}
              WHERE database = '${layout.database}' AND table = '${storage}' AND active`,
      format: 'JSONEachRow',
    });
    const partitions = (await result.json<{ partition: string }>()).map((row) => row.partition);
    for (const partition of expiredPartitions(partitions, now - days * dayMs)) {
      await alter(`ALTER TABLE ${table} DROP PARTITION ${partition}`);
      actions.push(`${table}: dropped partition ${partition} (older than ${days} days)`);
    }
  }
  return actions;
}
