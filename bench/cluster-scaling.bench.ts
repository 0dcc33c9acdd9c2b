/**
 * How end-to-end throughput grows with instances, on a three-broker KRaft cluster of its own
 * (ports 23500–23545, a fresh SLUICE_HOME): for 1, 2 and 3 instances each of the telemetry
 * processor, the PostgreSQL sink and the ClickHouse sink (`sluice run … --instances n`), raw events
 * are published into a topic of their own once the groups have settled, and timed until every one
 * is in PostgreSQL and ClickHouse. CPU seconds are those of the Sluice processes (supervisors and
 * workers; the servers' are printed apart), so the figure per CPU-second shows the scaling where
 * two cores flatten the wall-clock one.
 *
 *   node --import tsx bench/cluster-scaling.bench.ts [events per run]   (default 300,000)
 *   BENCH_INSTANCES=1,2,3 to choose the runs
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { clickhouseSettings, createClickHouse } from '../lib/clickhouse.ts';
import { loadSettings } from '../lib/config.ts';
import { createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { cpuSeconds, PrivateStack, stopProcess } from '../test/cluster/cluster-support.ts';
import { uniqueSuffix } from '../test/support.ts';
import { buildLoad, privateRawTopic, publishLoad } from '../test/telemetry-load.ts';
import { report } from './report.ts';

const events = Number(process.argv[2] ?? 300_000);
const instanceCounts = (process.env.BENCH_INSTANCES ?? '1,2,3').split(',').map(Number);
const stack = new PrivateStack({
  SLUICE_KAFKA_BROKERS: '3',
  SLUICE_KAFKA_PORT: '23500',
  SLUICE_KAFKA_CONTROLLER_PORT: '23501',
  SLUICE_KAFKA_HEAP: '512m',
  SLUICE_REGISTRY_PORT: '23530',
  SLUICE_POSTGRES_PORT: '23532',
  SLUICE_CLICKHOUSE_PORT: '23534',
  SLUICE_CLICKHOUSE_TCP_PORT: '23535',
  SLUICE_MOSQUITTO_PORT: '23536',
});
const servers = ['kafka-1', 'kafka-2', 'kafka-3', 'postgres', 'clickhouse'];

try {
  stack.sluice(['stack', 'up', 'kafka', 'registry', 'postgres', 'clickhouse']);
  stack.sluice(['migrate']);
  const connection = stack.connection();
  const kafka = new Kafka({
    clientId: 'bench-cluster-scaling',
    brokers: (connection.KAFKA_BROKERS as string).split(','),
    logLevel: logLevel.NOTHING,
  });
  const serde = new AvroSerde(createRegistryClient({ url: connection.SCHEMA_REGISTRY_URL as string }));
  const pool = new pg.Pool({ connectionString: connection.DATABASE_URL });
  const clickhouse = createClickHouse(loadSettings(clickhouseSettings, connection));
  const rows: [string, number | string, string][] = [];

  for (const instances of instanceCounts) {
    const run = `n${instances}-${uniqueSuffix()}`;
    const raw = `bench.raw.telemetry.${run}`;
    const normalized = `bench.normalized.telemetry.${run}`;
    const prefix = `bench-${run}`;
    await privateRawTopic(kafka, serde, raw);
    const load = buildLoad({
      unique: events,
      duplicates: 0,
      invalid: 0,
      devicePrefix: prefix,
      devices: 2000,
    });
    const groups = {
      processor: `bench-processor-${run}`,
      postgres: `bench-postgres-${run}`,
      clickhouse: `bench-clickhouse-${run}`,
    };
    const children = [
      stack.start(`processor-${run}`, ['run', 'processor', 'telemetry', '--instances', String(instances)], {
        LOG_LEVEL: 'warn',
        PROCESSOR_TELEMETRY_INPUT_TOPIC: raw,
        PROCESSOR_TELEMETRY_OUTPUT_TOPIC: normalized,
        PROCESSOR_TELEMETRY_GROUP_ID: groups.processor,
        PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: groups.processor,
      }),
      stack.start(`postgres-${run}`, ['run', 'sink', 'postgres', '--instances', String(instances)], {
        LOG_LEVEL: 'warn',
        SINK_POSTGRES_TELEMETRY_TOPIC: normalized,
        SINK_POSTGRES_PRICING_TOPIC: '',
        SINK_POSTGRES_RAW_TELEMETRY_TOPIC: '',
        SINK_POSTGRES_RAW_PRICING_TOPIC: '',
        SINK_POSTGRES_GROUP_ID: groups.postgres,
      }),
      stack.start(`clickhouse-${run}`, ['run', 'sink', 'clickhouse', '--instances', String(instances)], {
        LOG_LEVEL: 'warn',
        SINK_CLICKHOUSE_TELEMETRY_TOPIC: normalized,
        SINK_CLICKHOUSE_PRICING_TOPIC: '',
        SINK_CLICKHOUSE_GROUP_ID: groups.clickhouse,
      }),
    ];
    const admin = kafka.admin();
    await admin.connect();
    for (let settled = false; !settled; await sleep(500)) {
      const { groups: described } = await admin.describeGroups(Object.values(groups));
      settled = described.every((group) => group.state === 'Stable' && group.members.length === instances);
      if (children.some((child) => child.exitCode !== null))
        throw new Error(`a component exited:\n${stack.tail(`processor-${run}`)}`);
    }
    await admin.disconnect();

    const count = async () => {
      const ours = `${prefix}-%`;
      const postgres = Number(
        (
          await pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM telemetry_readings WHERE device_id LIKE $1',
            [ours],
          )
        ).rows[0]?.n,
      );
      const result = await clickhouse.query({
        query: `SELECT toString(count()) AS n FROM telemetry_readings WHERE device_id LIKE '${ours}'`,
        format: 'JSONEachRow',
      });
      return Math.min(postgres, Number((await result.json<{ n: string }>())[0]?.n ?? 0));
    };
    const pids = children.map((child) => child.pid as number);
    const serverPids = servers.map((name) => stack.serverPid(name));
    const cpuBefore = pids.map(cpuSeconds);
    const serverCpuBefore = serverPids.map(cpuSeconds);
    const began = Date.now();
    // four producers in parallel, so the load generator is not what limits a run
    const slices = 4;
    const sliceSize = Math.ceil(events / slices);
    await Promise.all(
      Array.from({ length: slices }, async (_, i) => {
        const producer = createProducer(kafka);
        await producer.connect();
        await publishLoad(producer, serde, raw, load.events.slice(i * sliceSize, (i + 1) * sliceSize));
        await producer.disconnect();
      }),
    );
    const published = Date.now();
    let steadyFrom: [number, number] | undefined;
    let steadyTo: [number, number] | undefined;
    for (let loaded = 0; loaded < events; await sleep(250)) {
      loaded = await count();
      if (!steadyFrom && loaded >= events * 0.2) steadyFrom = [Date.now(), loaded];
      if (!steadyTo && loaded >= events * 0.9) steadyTo = [Date.now(), loaded];
      if (Date.now() - began > 600_000) throw new Error(`only ${loaded} of ${events} loaded in 10 minutes`);
    }
    const seconds = (Date.now() - began) / 1000;
    const cpu = pids.map((pid, i) => cpuSeconds(pid) - (cpuBefore[i] as number));
    const serverCpu = serverPids.map((pid, i) => cpuSeconds(pid) - (serverCpuBefore[i] as number));
    const sluiceCpu = cpu.reduce((a, b) => a + b, 0);
    const steady =
      steadyFrom && steadyTo ? (steadyTo[1] - steadyFrom[1]) / ((steadyTo[0] - steadyFrom[0]) / 1000) : 0;
    rows.push(
      [
        `${instances} instance(s): end to end`,
        events / seconds,
        'events/s (publish start → last row in both databases)',
      ],
      [`${instances} instance(s): steady state`, steady, 'events/s (20% → 90% loaded)'],
      [
        `${instances} instance(s): per Sluice CPU-second`,
        events / sluiceCpu,
        'events per CPU-second of processors and sinks',
      ],
      [
        `${instances} instance(s): CPU by component`,
        cpu.map((c) => c.toFixed(1)).join(' / '),
        's processor / PostgreSQL sink / ClickHouse sink',
      ],
      [
        `${instances} instance(s): servers' CPU`,
        serverCpu.map((c) => c.toFixed(1)).join(' / '),
        `s ${servers.join(' / ')}`,
      ],
      [
        `${instances} instance(s): publishing`,
        events / ((published - began) / 1000),
        'events/s into the raw topic',
      ],
    );
    for (const child of children) await stopProcess(child, 'SIGTERM');
  }
  await pool.end();
  await clickhouse.close();
  report(
    'Scaling with instances on a three-broker cluster',
    {
      events: `${events} per run, Avro raw telemetry, 6 partitions, replication 3, min.insync.replicas 2`,
      components: 'telemetry processor (transactions) → PostgreSQL sink and ClickHouse sink, n of each',
      machine: 'everything on this machine: three brokers, registry, PostgreSQL, ClickHouse 18.16, the load',
    },
    rows,
  );
} finally {
  await stack.close();
}
