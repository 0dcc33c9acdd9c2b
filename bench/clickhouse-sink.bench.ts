import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, createWriteStream, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import { loadStackSettings } from '../cli/stack/settings.ts';
import { clickhouseSettings, createClickHouse } from '../lib/clickhouse.ts';
import { environment, loadSettings, sluiceHome } from '../lib/config.ts';
import { describeError } from '../lib/errors.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import type { TelemetryReading } from '../schemas/types.ts';
import { clickhouseSinkOptions } from '../sinks/clickhouse/clickhouse-sink.ts';
import { telemetryColumns } from '../sinks/clickhouse/clickhouse-writer.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { normalizedReadings } from '../sinks/fixtures.ts';
import { PrivateDatabases } from '../test/private-databases.ts';
import { localClickHouseAdmin, uniqueSuffix } from '../test/support.ts';
import { deleteTopics } from '../test/telemetry-load.ts';
import { machineConditions, report, writeResults } from './report.ts';
import { processTree, processTrees, ResourceWatch, runningStackServerPid } from './resources.ts';
import { type Figure, runSinkBench, timeLoad } from './sink-bench.ts';

/**
 * From Kafka into ClickHouse through the real sink (decode, RowBinary, insert, progress view), then
 * the same number of the same readings through the peers a user would pick instead, in the same
 * run: ClickHouse's own Kafka engine with a materialized view (JSONEachRow on a topic of its own,
 * into a copy of telemetry_readings), and clickhouse-client inserting them (the ceiling).
 */
const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const partitions = 6;
const credentials = localClickHouseAdmin();
if (!credentials)
  throw new Error(
    'the bench needs the local stack (`sluice stack up`): its ClickHouse admin creates the peers',
  );
// the sink's own defaults unless SINK_CLICKHOUSE_BATCH_ROWS or …_BATCH_MAX_WAIT_MS say otherwise
const sinkSettings = loadSettings(clickhouseSinkSettings);
const batchRows = String(sinkSettings.batchRows);
const workDir = join(sluiceHome(), 'bench');
mkdirSync(workDir, { recursive: true });
const database = `bench_${uniqueSuffix().replace(/\W/g, '_')}`;
// The sink and the engine both load empty tables, in a database of the bench's own: into tables the
// stack has filled run after run, the sink's start would read their old rows and its parts would merge with them.
const databases = await PrivateDatabases.create(database);
Object.assign(process.env, databases.env);
const client = createClickHouse();

/** A reading as the Kafka engine's JSONEachRow takes it: the columns the sink writes, times in epoch seconds (18.16's DateTime). */
function engineRow(reading: TelemetryReading, topic: string, index: number): string {
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const { enrichment, quality } = reading;
  const row: Record<(typeof telemetryColumns)[number], unknown> = {
    event_id: reading.eventId,
    source: reading.source,
    device_id: reading.deviceId,
    site_id: reading.siteId,
    metric: reading.metric,
    value: reading.value,
    unit: reading.unit,
    original_value: reading.originalValue,
    original_unit: reading.originalUnit,
    source_time: seconds(reading.sourceTime),
    source_ms: reading.sourceTime,
    received_at: seconds(reading.receivedAt),
    processed_at: seconds(reading.processedAt),
    quality_level: quality.level,
    quality_score: quality.score,
    quality_flags: quality.flags,
    known_device: enrichment.known ? 1 : 0,
    site_name: enrichment.siteName,
    device_type: enrichment.deviceType,
    latitude: enrichment.latitude,
    longitude: enrichment.longitude,
    tag_keys: Object.keys(enrichment.tags),
    tag_values: Object.values(enrichment.tags),
    trace_id: reading.traceId,
    kafka_topic: topic,
    kafka_partition: index % partitions,
    kafka_offset: Math.floor(index / partitions),
  };
  return JSON.stringify(row);
}

/** The same readings the sink loads (count and shape), as JSONEachRow: on the engine's topic and in a file for clickhouse-client. */
async function peerInput(topic: string, file: string): Promise<void> {
  const readings = normalizedReadings(events, { prefix: `bench-peer-${uniqueSuffix()}`, devices: 500 });
  const kafka = createKafka('bench-clickhouse-engine-feed');
  await ensureTopics(kafka, [{ topic, numPartitions: partitions }]);
  const producer = createProducer(kafka);
  await producer.connect();
  const out = createWriteStream(file);
  // a produce request stays below the broker's 1 MiB message limit per partition
  const chunk = 3_000;
  try {
    for (let start = 0; start < readings.length; start += chunk) {
      const lines = readings
        .slice(start, start + chunk)
        .map((reading, i) => engineRow(reading, topic, start + i));
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      await producer.send({
        topic,
        acks: -1,
        messages: lines.map((value, i) => ({ partition: (start + i) % partitions, value })),
      });
    }
  } finally {
    out.end();
    await finished(out);
    await producer.disconnect();
  }
}

/** The Kafka engine reading `topic` from its beginning into `database`.engine_readings, timed like the sink. */
async function kafkaEngine(admin: ReturnType<typeof createClickHouse>, database: string, topic: string) {
  const kafka = createKafka('bench-clickhouse-engine');
  const group = `${database}-engine`;
  // the engine's consumers start at the end of a partition without a committed offset (librdkafka's default)
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await kafkaAdmin.setOffsets({
    groupId: group,
    topic,
    partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, offset: '0' })),
  });
  await kafkaAdmin.disconnect();
  const brokers = environment().KAFKA_BROKERS ?? '';
  // 18.16 fills no DEFAULT in a view's target: the view names loaded_at itself
  await admin.command({
    query: `CREATE TABLE ${database}.engine_readings AS ${database}.telemetry_readings`,
  });
  await admin.command({
    query: `CREATE TABLE ${database}.engine_feed (${await feedColumns(admin)})
            ENGINE = Kafka SETTINGS kafka_broker_list = '${brokers}', kafka_topic_list = '${topic}',
            kafka_group_name = '${group}', kafka_format = 'JSONEachRow', kafka_num_consumers = ${partitions}`,
  });
  const watch = new ResourceWatch(
    () =>
      new Map([
        ['clickhouse-server', runningStackServerPid('clickhouse')],
        ['kafka', runningStackServerPid('kafka')],
      ]),
  );
  watch.begin();
  await admin.command({
    query: `CREATE MATERIALIZED VIEW ${database}.engine_view TO ${database}.engine_readings
            AS SELECT ${telemetryColumns.join(', ')}, now() AS loaded_at FROM ${database}.engine_feed`,
  });
  try {
    const timing = await timeLoad({
      label: 'Kafka engine',
      events,
      loaded: () => countOf(admin, `${database}.engine_readings`),
      cpuSeconds: () => 0,
      servers: ['kafka', 'clickhouse'],
      settled: mergesEnded,
    });
    const phase = watch.end();
    return { ...timing, peakRssMiB: phase.processes['clickhouse-server']?.peakMiB ?? 0 };
  } finally {
    await admin.command({ query: `DROP TABLE ${database}.engine_view` });
    await admin.command({ query: `DROP TABLE ${database}.engine_feed` });
  }
}

/** The columns the sink writes, with telemetry_readings' types, for the engine's Kafka table. */
async function feedColumns(admin: ReturnType<typeof createClickHouse>): Promise<string> {
  const result = await admin.query({
    query: `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'telemetry_readings'`,
    format: 'JSONEachRow',
  });
  const types = new Map((await result.json<{ name: string; type: string }>()).map((c) => [c.name, c.type]));
  return telemetryColumns.map((name) => `${name} ${types.get(name)}`).join(', ');
}

/** Whether no merge of the bench's tables runs: the load's cost includes the merges it set off. */
async function mergesEnded(): Promise<boolean> {
  return (await countOf(admin, 'system.merges', `database = '${database}'`)) === 0;
}

/** Empties the tables of the bench's database (the engine's and the client's are made later). */
async function emptyTables(): Promise<void> {
  const result = await admin.query({
    // schema_migrations stays: the next sink's start would apply every migration again
    query: `SELECT name FROM system.tables WHERE database = '${database}' AND engine LIKE '%MergeTree'
            AND name != 'schema_migrations'`,
    format: 'JSONEachRow',
  });
  for (const { name } of await result.json<{ name: string }>())
    await admin.command({ query: `TRUNCATE TABLE ${database}.${name}` });
}

async function countOf(
  admin: ReturnType<typeof createClickHouse>,
  table: string,
  where = '1',
): Promise<number> {
  const result = await admin.query({
    query: `SELECT toString(count()) AS n FROM ${table} WHERE ${where}`,
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
}

/** clickhouse-client inserting the file in one INSERT … FORMAT JSONEachRow: what the server can take. */
async function clientInsert(admin: ReturnType<typeof createClickHouse>, database: string, file: string) {
  await admin.command({
    query: `CREATE TABLE ${database}.client_readings AS ${database}.telemetry_readings`,
  });
  const input = openSync(file, 'r');
  const server = runningStackServerPid('clickhouse');
  const kafkaPid = runningStackServerPid('kafka');
  const watch = new ResourceWatch(() => new Map([['clickhouse-server', server]]));
  const serverCpu = () => processTrees([server, kafkaPid]).reduce((sum, tree) => sum + tree.cpuSeconds, 0);
  const began = { at: performance.now(), server: serverCpu() };
  watch.begin();
  const child = spawn(
    'clickhouse-client',
    [
      '--port',
      String(loadStackSettings().clickhouseTcpPort),
      '--user',
      credentials?.user ?? 'default',
      '--password',
      credentials?.password ?? '',
      '--query',
      `INSERT INTO ${database}.client_readings (${telemetryColumns.join(', ')}) FORMAT JSONEachRow`,
    ],
    { stdio: [input, 'inherit', 'inherit'] },
  );
  let clientCpu = 0;
  const sampler = setInterval(() => {
    clientCpu = Math.max(clientCpu, processTree(child.pid as number).cpuSeconds);
  }, 100);
  const [code] = await once(child, 'exit');
  clearInterval(sampler);
  closeSync(input);
  const phase = watch.end();
  const seconds = (performance.now() - began.at) / 1000;
  if (code !== 0) throw new Error(`clickhouse-client exited ${code}`);
  const rows = await countOf(admin, `${database}.client_readings`);
  if (rows !== events) throw new Error(`clickhouse-client loaded ${rows} rows of ${events}`);
  const perRow = (cpu: number) => Math.round((cpu * 1e8) / rows) / 100;
  return {
    rowsPerSecond: Math.round(rows / seconds),
    seconds: Math.round(seconds * 1000) / 1000,
    involvedCpuMicrosecondsPerRow: perRow(clientCpu + serverCpu() - began.server),
    machineCpuMicrosecondsPerRow: perRow(phase.machineCpuSeconds),
    peakRssMiB: phase.processes['clickhouse-server']?.peakMiB ?? 0,
  };
}

/** A ratio as printed and stored: three decimals (targets are judged on the exact ratio). */
function ratio(value: number, of: number): number {
  return Math.round((value / of) * 1000) / 1000;
}

function target(met: boolean, text: string): string {
  return `target ${text}: ${met ? 'met' : 'not met'}`;
}

const admin = createClickHouse({ ...loadSettings(clickhouseSettings, environment()), ...credentials });
const file = join(workDir, `${database}.jsonl`);
const engineTopic = `bench.clickhouse-engine.${database}`;
try {
  const sink = await runSinkBench({
    command: 'clickhouse',
    events,
    processes: 1,
    servers: ['kafka', 'clickhouse'],
    settled: mergesEnded,
    empty: emptyTables,
    conditions: {
      'batch rows': batchRows,
      'max wait': `${sinkSettings.batchMaxWaitMs} ms`,
      'Kafka partitions': String(partitions),
    },
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
  if (!sink) throw new Error('BENCH_SINK_PROCESSES=0: no `sluice run sink` figures to set against the peers');
  process.stderr.write(`publishing ${events} JSONEachRow readings to ${engineTopic}…\n`);
  await peerInput(engineTopic, file);
  process.stderr.write('(a) ClickHouse Kafka engine + materialized view…\n');
  const engine = await kafkaEngine(admin, database, engineTopic);
  process.stderr.write('(b) clickhouse-client INSERT … FORMAT JSONEachRow…\n');
  const ceiling = await clientInsert(admin, database, file);
  // The engine shows its rows in two or three steps, so a 20–90% window of it times one step and
  // misses the parsing before it: both loads are compared from their start, to the last row for the
  // rate and to the end of the merges they set off for the CPU (the engine's few large inserts leave
  // fewer merges than the sink's batches, and most of them after its last row).
  const { wholeLoad: engineLoad, settled: engineSettled } = engine.load;
  const { wholeLoad: sinkLoad, settled: sinkSettled } = sink;
  if (!engineSettled || !sinkSettled) throw new Error('a load was not timed until its merges ended');
  const ratios = {
    rowsPerSecondToEngine: ratio(sinkLoad.rowsPerSecond, engineLoad.rowsPerSecond),
    cpuPerRowToEngine: ratio(
      sinkSettled.involvedCpuMicrosecondsPerRow,
      engineSettled.involvedCpuMicrosecondsPerRow,
    ),
    machineCpuPerRowToEngine: ratio(
      sinkSettled.machineCpuMicrosecondsPerRow,
      engineSettled.machineCpuMicrosecondsPerRow,
    ),
    cpuPerRowToEngineToLastRow: ratio(
      sinkLoad.involvedCpuMicrosecondsPerRow,
      engineLoad.involvedCpuMicrosecondsPerRow,
    ),
    rowsPerSecondToClient: ratio(sinkLoad.rowsPerSecond, ceiling.rowsPerSecond),
  };
  const peakRssMB = Math.round((sink.peakRssMiB * 2 ** 20) / 1e6);
  const results = {
    events,
    batchRows: Number(batchRows),
    sink,
    kafkaEngine: { ...engine.load, clickhousePeakRssMiB: engine.peakRssMiB },
    clickhouseClient: ceiling,
    ratios,
    targets: {
      rowsPerSecond: sinkLoad.rowsPerSecond >= 1.5 * engineLoad.rowsPerSecond,
      cpuPerRow: sinkSettled.involvedCpuMicrosecondsPerRow <= 2 * engineSettled.involvedCpuMicrosecondsPerRow,
      peakRss: peakRssMB <= 300,
    },
  };
  writeResults('clickhouse-sink', results);
  const engineFigures: Figure[] = engine.figures;
  report(
    'ClickHouse sink against its peers, same run, same readings',
    {
      readings: events,
      'Kafka engine': `ClickHouse ${'18.16'} ENGINE = Kafka (JSONEachRow, kafka_num_consumers = ${partitions}) + materialized view into a copy of telemetry_readings (no rollups behind it; the sink's insert also feeds the rollups and sink_progress)`,
      ceiling: 'clickhouse-client INSERT … FORMAT JSONEachRow from a file, into a copy of telemetry_readings',
      machine: machineConditions(),
    },
    [
      ...engineFigures.map(([metric, value, unit]): [string, string, string] => [metric, value, unit]),
      ['ClickHouse peak RSS, Kafka engine', engine.peakRssMiB, 'MiB'],
      ['clickhouse-client insert', ceiling.rowsPerSecond, 'rows/s'],
      ['  CPU per row, client + clickhouse-server + kafka', ceiling.involvedCpuMicrosecondsPerRow, 'µs'],
      ['  whole machine', ceiling.machineCpuMicrosecondsPerRow, 'µs'],
      [
        'sink ÷ Kafka engine rows/s, start → all rows',
        `${ratios.rowsPerSecondToEngine}×`,
        target(results.targets.rowsPerSecond, '≥ 1.5×'),
      ],
      [
        'sink ÷ Kafka engine CPU per row, start → merges ended (sink + kafka + clickhouse)',
        `${ratios.cpuPerRowToEngine}×`,
        target(results.targets.cpuPerRow, '≤ 2×'),
      ],
      ['  whole machine', `${ratios.machineCpuPerRowToEngine}×`, ''],
      ['  start → all rows', `${ratios.cpuPerRowToEngineToLastRow}×`, ''],
      [
        'sink peak RSS (`sluice run sink clickhouse`)',
        `${peakRssMB} MB`,
        target(results.targets.peakRss, `≤ 300 MB at batch ${batchRows}`),
      ],
      ['sink ÷ clickhouse-client rows/s, start → all rows', `${ratios.rowsPerSecondToClient}×`, ''],
    ],
  );
} finally {
  rmSync(file, { force: true });
  await deleteTopics(createKafka('bench-clickhouse-cleanup'), [engineTopic]).catch(() => {});
  await admin.close().catch(() => {});
  await client.close().catch(() => {});
  await databases.drop().catch((err: unknown) => {
    process.stderr.write(`the bench's databases ${database} were not dropped: ${describeError(err)}\n`);
  });
}
