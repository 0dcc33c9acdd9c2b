import { createClickHouse } from '../lib/clickhouse.ts';
import { loadSettings } from '../lib/config.ts';
import { clickhouseSinkOptions } from '../sinks/clickhouse/clickhouse-sink.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { runSinkBench } from './sink-bench.ts';

// From Kafka into ClickHouse through the real sink: decode, RowBinary, insert, progress view.
const client = createClickHouse();
// the sink's own default unless SINK_CLICKHOUSE_BATCH_ROWS says otherwise
const batchRows = String(loadSettings(clickhouseSinkSettings).batchRows);
try {
  await runSinkBench({
    command: 'clickhouse',
    events: Number(process.env.BENCH_EVENTS ?? 1_000_000),
    conditions: { 'batch rows': batchRows, 'max wait': '1000 ms', 'Kafka partitions': '6' },
    env: (topic, groupId) => ({
      SINK_CLICKHOUSE_TELEMETRY_TOPIC: topic,
      SINK_CLICKHOUSE_PRICING_TOPIC: '',
      SINK_CLICKHOUSE_GROUP_ID: groupId,
      SINK_CLICKHOUSE_BATCH_ROWS: batchRows,
    }),
    options: (env) => clickhouseSinkOptions(loadSettings(clickhouseSinkSettings, env)),
    storedOffsets: async (topic) => {
      const result = await client.query({
        query: `SELECT toString(sum(next)) AS n FROM (SELECT maxMerge(next_offset) AS next FROM sink_progress
                WHERE kafka_topic = '${topic}' GROUP BY kafka_partition)`,
        format: 'JSONEachRow',
      });
      return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
    },
  });
} finally {
  await client.close();
}
