import { loadSettings } from '../lib/config.ts';
import { createPgPool } from '../lib/postgres.ts';
import { postgresSinkSettings } from '../sinks/postgres/config.ts';
import { postgresSinkOptions } from '../sinks/postgres/postgres-sink.ts';
import { runSinkBench } from './sink-bench.ts';

// From Kafka into PostgreSQL on the exactly-once path: rows and offsets in one transaction.
const pool = createPgPool();
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
    },
    env: (topic, groupId) => ({
      SINK_POSTGRES_TELEMETRY_TOPIC: topic,
      SINK_POSTGRES_PRICING_TOPIC: '',
      SINK_POSTGRES_RAW_TELEMETRY_TOPIC: '',
      SINK_POSTGRES_RAW_PRICING_TOPIC: '',
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
  await pool.end();
}
