import { loadSettings } from '../lib/config.ts';
import { createPgPool } from '../lib/postgres.ts';
import { normalizedReadings } from '../sinks/fixtures.ts';
import { postgresSinkSettings } from '../sinks/postgres/config.ts';
import { postgresSinkOptions } from '../sinks/postgres/postgres-sink.ts';
import { psqlCopy } from './postgres-copy.ts';
import { ratioRow, report, writeResults } from './report.ts';
import { runSinkBench } from './sink-bench.ts';

// From Kafka into PostgreSQL on the exactly-once path: rows and offsets in one transaction; the sink
// in this process, then as production runs it (`sluice run sink postgres`, its own process), then
// the ceiling in the same run: psql COPY of as many readings of the same shape into a copy of the
// same partitioned table (bench/postgres-copy.ts). Prints the sink's process ÷ COPY.
// The readings fall in a month of their own, in the future, so every run loads an empty monthly
// partition (dropped afterwards) and runs compare; a run used to land in the partition every
// earlier run had filled. Loading into a partition that already holds 6 million rows measured
// 45,880–47,534 rows/s against 49,475–49,832 into an empty one (see migration 050).
// the owner: the bench drops the month it loaded
const pool = createPgPool(undefined, 'owner');
const month = new Date(Date.UTC(2090 + Math.floor(Math.random() * 10), Math.floor(Math.random() * 12), 1));
const partition = `telemetry_readings_${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
// the sink's own default unless SINK_POSTGRES_BATCH_ROWS says otherwise
const batchRows = String(loadSettings(postgresSinkSettings).batchRows);
const events = Number(process.env.BENCH_EVENTS ?? 200_000);
try {
  const sink = await runSinkBench({
    command: 'postgres',
    events,
    processes: 1,
    conditions: {
      'batch rows': batchRows,
      'max wait': '250 ms',
      path: 'exactly-once (rows + sink_offsets in one transaction)',
      partition: `${partition} (empty at start)`,
    },
    servers: ['kafka', 'postgres'],
    readingsStartMs: month.getTime() + 86_400_000,
    env: (topic, groupId) => ({
      SINK_POSTGRES_TELEMETRY_TOPIC: topic,
      SINK_POSTGRES_PRICING_TOPIC: '',
      SINK_POSTGRES_GROUP_ID: groupId,
      SINK_POSTGRES_BATCH_ROWS: batchRows,
    }),
    options: (env) => postgresSinkOptions(loadSettings(postgresSinkSettings, env)),
    storedOffsets: async (topic) =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT coalesce(sum(next_offset), 0) AS n FROM sink_offsets WHERE topic = $1',
            [topic],
          )
        ).rows[0]?.n,
      ),
  });
  process.stderr.write(`psql COPY of ${events} readings into a copy of telemetry_readings…\n`);
  const copy = await psqlCopy(
    pool,
    normalizedReadings(events, { prefix: 'bench-copy', devices: 500, startMs: month.getTime() + 86_400_000 }),
    month,
  );
  if (sink) {
    const ratio = sink.rowsPerSecond / copy.rowsPerSecond;
    const conditions = {
      rows: `${events} normalized readings (500 devices), one month's partition, empty at start`,
      sink: `\`sluice run sink postgres\`, its own process, exactly once, batch ${batchRows} rows, 20–90% loaded`,
      peer: `psql COPY … FROM STDIN (CSV, one statement, whole load) into a copy of the partitioned table, same run`,
    };
    report('PostgreSQL sink vs psql COPY', conditions, [
      ['psql COPY', copy.rowsPerSecond, 'rows/s'],
      ['sink (its own process)', sink.rowsPerSecond, 'rows/s'],
      ratioRow('sink ÷ COPY (exactly once)', ratio, 0.5),
      ['machine CPU per row, COPY (all processes)', copy.machineCpuMicrosecondsPerRow, 'µs'],
      ['machine CPU per row, sink (all processes)', sink.machineCpuMicrosecondsPerRow, 'µs'],
      ['CPU per row, psql + PostgreSQL server', copy.involvedCpuMicrosecondsPerRow, 'µs'],
      ['CPU per row, sink process', sink.cpuMicrosecondsPerRow, 'µs'],
      ['peak RSS, sink process', sink.peakRssMiB, 'MiB'],
      ['peak RSS, psql', copy.psqlPeakMiB, 'MiB'],
    ]);
    writeResults('postgres-sink', { conditions, sink, copy, ratio });
  }
} finally {
  await pool.query(`DROP TABLE IF EXISTS ${partition}`);
  await pool.end();
}
