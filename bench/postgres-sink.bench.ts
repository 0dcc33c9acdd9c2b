import { loadSettings } from '../lib/config.ts';
import { createPgPool } from '../lib/postgres.ts';
import { postgresSinkSettings } from '../sinks/postgres/config.ts';
import { postgresSinkOptions } from '../sinks/postgres/postgres-sink.ts';
import { runSinkBench } from './sink-bench.ts';

// From Kafka into PostgreSQL on the exactly-once path: rows and offsets in one transaction.
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
try {
  await runSinkBench({
    command: 'postgres',
    events: Number(process.env.BENCH_EVENTS ?? 200_000),
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
} finally {
  await pool.query(`DROP TABLE IF EXISTS ${partition}`);
  await pool.end();
}
