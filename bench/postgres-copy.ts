/**
 * The ceiling of loading PostgreSQL: `COPY … FROM STDIN` through psql, the same readings as CSV,
 * into a copy of the same partitioned `telemetry_readings` table (same columns, keys and indexes,
 * the same month's partition, empty at start), in a schema of its own dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { postgresBinDir } from '../cli/stack/install.ts';
import { environment } from '../lib/config.ts';
import type { TelemetryReading } from '../schemas/types.ts';
import { telemetryColumns } from '../sinks/postgres/postgres-writer.ts';
import { machineCpuSeconds, processTree, sampleTree, stackServerPid } from './resources.ts';

export interface CopyFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** psql and the PostgreSQL server (postmaster and its backends). */
  involvedCpuMicrosecondsPerRow: number;
  machineCpuMicrosecondsPerRow: number;
  psqlPeakMiB: number;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return `"${value.replaceAll('"', '""')}"`;
}

/** A reading as the sink stores it: the sink's own columns, times as ISO instants. */
function csvLine(reading: TelemetryReading): string {
  return telemetryColumns
    .map(({ type, value }) => {
      const field = value(reading);
      return type === 'timestamptz' && typeof field === 'number'
        ? new Date(field).toISOString()
        : csvField(field);
    })
    .join(',');
}

/** Loads `readings` (one month's) with psql COPY into a copy of telemetry_readings; `pool` is the owner's. */
export async function psqlCopy(
  pool: pg.Pool,
  readings: TelemetryReading[],
  month: Date,
): Promise<CopyFigures> {
  const psqlBinary = join(postgresBinDir() ?? '/usr/bin', 'psql');
  const schema = `bench_copy_${process.pid}_${Date.now()}`;
  const first = month.toISOString();
  const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1)).toISOString();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-copy-'));
  const csv = join(dir, 'readings.csv');
  writeFileSync(csv, `${readings.map(csvLine).join('\n')}\n`);
  await pool.query(`CREATE SCHEMA ${schema}`);
  try {
    await pool.query(
      `CREATE TABLE ${schema}.telemetry_readings (LIKE public.telemetry_readings INCLUDING ALL) PARTITION BY RANGE (source_time)`,
    );
    await pool.query(
      `CREATE TABLE ${schema}.telemetry_readings_month PARTITION OF ${schema}.telemetry_readings FOR VALUES FROM ('${first}') TO ('${next}')`,
    );
    const postgresPid = stackServerPid('postgres');
    const serverCpu = () => (postgresPid ? processTree(postgresPid).cpuSeconds : 0);
    const columns = telemetryColumns.map(({ name }) => name).join(', ');
    const serverBefore = serverCpu();
    const machineBefore = machineCpuSeconds();
    const started = performance.now();
    const child = spawn(
      psqlBinary,
      [
        environment().DATABASE_OWNER_URL ?? '',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `COPY ${schema}.telemetry_readings (${columns}) FROM STDIN WITH (FORMAT csv)`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    createReadStream(csv).pipe(child.stdin);
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const sampler = sampleTree(child.pid as number, 50);
    const code = await new Promise((resolveExit) => child.once('exit', resolveExit));
    const psql = sampler.stop();
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`psql COPY exited ${code}: ${err.trim()}`);
    const involved = serverCpu() - serverBefore + psql.cpuSeconds;
    const machine = machineCpuSeconds() - machineBefore;
    const loaded = Number(
      (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.telemetry_readings`)).rows[0]?.n,
    );
    if (loaded !== readings.length) throw new Error(`COPY loaded ${loaded} of ${readings.length} rows`);
    const perRow = (cpu: number) => Math.round((cpu * 1e8) / loaded) / 100;
    return {
      rows: loaded,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(loaded / seconds),
      involvedCpuMicrosecondsPerRow: perRow(involved),
      machineCpuMicrosecondsPerRow: perRow(machine),
      psqlPeakMiB: Math.round(psql.rss / 2 ** 20),
    };
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  }
}
