/**
 * HTTP ingest gateway throughput: autocannon POSTs JSON batches of readings to a gateway running
 * in its own process (`sluice run gateway`, as in production) against the local
 * Kafka (acks=all, idempotent producer). Counts what Kafka acknowledged, not what was sent. In the
 * same run, Kafka's own ProducerPerformance (acks=all, idempotent, 300 B records, as many as the
 * gateway took) on the same broker: the gateway's readings/s as a ratio of it.
 *
 *   npm run bench http-gateway
 *   BENCH_SECONDS=10 BENCH_BATCH=500 BENCH_CONNECTIONS=16 HTTP_GATEWAY_WORKERS=2 to change the conditions
 *   (the gateway runs as many worker processes as there are cores here: one per core).
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { createApiKey, revokeApiKey } from '../lib/api-keys.ts';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { environment } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import { rawTopicEnd, type TopicPosition } from '../producers/testing.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import { brokerPerformance } from './kafka-tools.ts';
import { startProducer } from './producer-process.ts';
import { machineConditions, report, writeResults } from './report.ts';
import { childPids, ResourceWatch, stackServerPid } from './resources.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const batch = Number(process.env.BENCH_BATCH ?? 500);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const workers = process.env.HTTP_GATEWAY_WORKERS ?? String(availableParallelism());
// beside the platform's gateway (HTTP_GATEWAY_PORT), which may be running
const port = Number(process.env.HTTP_GATEWAY_PORT ?? 8090) + 1;
const url = `http://127.0.0.1:${port}`;

function total(position: TopicPosition): number {
  return position.reduce((sum, { offset }) => sum + Number(offset), 0);
}

async function waitHealthy(child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error('gateway did not become healthy in 60 s');
}

const kafka = createKafka('bench-http-gateway');
await prepareTopicsAndSchemas(kafka);
const pool = createPgPool();
const key = await createApiKey(pool, { name: `bench-${uniqueSuffix()}`, roles: ['ingest'] });
const run = uniqueSuffix();
const bodies = Array.from({ length: 32 }, (_, b) =>
  JSON.stringify(
    Array.from({ length: batch }, (_, i) => ({
      deviceId: `bench-${run}-${(b * batch + i) % 2000}`,
      siteId: `site-${i % 7}`,
      metric: i % 2 ? 'temperature' : 'pressure',
      value: Math.round(Math.random() * 10_000) / 100,
      unit: i % 2 ? 'degC' : 'bar',
      ts: 1_714_550_400_000 + b * batch + i,
    })),
  ),
);

const gateway = startProducer('gateway', {
  HTTP_GATEWAY_PORT: String(port),
  HTTP_GATEWAY_WORKERS: workers,
});
try {
  await waitHealthy(gateway);
  // warm up: JIT, connections, producer metadata
  await autocannon({
    url: `${url}/v1/ingest/telemetry`,
    connections: 4,
    duration: 2,
    requests: bodies.slice(0, 4).map((body) => ({
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', 'x-api-key': key.key },
      body,
    })),
  });
  const watch = new ResourceWatch(() => {
    const pids = new Map([
      ['gateway (primary + workers)', gateway.pid as number],
      ['load generator (autocannon, this process)', process.pid],
    ]);
    for (const [index, worker] of childPids(gateway.pid as number).entries())
      pids.set(`gateway worker ${index + 1}`, worker);
    const kafkaPid = stackServerPid('kafka');
    if (kafkaPid) pids.set('kafka', kafkaPid);
    return pids;
  });
  const before = await rawTopicEnd(kafka);
  watch.begin();
  const result = await autocannon({
    url: `${url}/v1/ingest/telemetry`,
    connections,
    duration: seconds,
    requests: bodies.map((body) => ({
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', 'x-api-key': key.key },
      body,
    })),
  });
  const phase = watch.end();
  const after = await rawTopicEnd(kafka);
  const accepted = result['2xx'] * batch;
  const readingsPerSecond = Math.round(accepted / result.duration);
  process.stderr.write(`Kafka's ProducerPerformance, ${accepted} records of 300 B…\n`);
  const broker = await brokerPerformance(kafka, environment().KAFKA_BROKERS ?? '', {
    topic: `bench.kafka-perf.${run}`,
    records: accepted,
    recordBytes: 300,
  });
  const ratio = readingsPerSecond / broker.producer;
  const micros = (cpuSeconds: number, count: number) => Math.round(((cpuSeconds * 1e6) / count) * 10) / 10;
  // the workers are counted in the gateway's tree already
  const involved = Object.entries(phase.processes)
    .filter(([name]) => !name.startsWith('gateway worker'))
    .reduce((sum, [, p]) => sum + p.cpuSeconds, 0);
  const rows: [string, number | string, string][] = [
    ['Kafka ProducerPerformance (acks=all, idempotent, 300 B)', broker.producer, 'records/s'],
    ['gateway: readings accepted into Kafka (202)', readingsPerSecond, 'readings/s'],
    ['gateway ÷ ProducerPerformance', `${ratio.toFixed(2)}×`, '(no target in #21)'],
    [
      'machine CPU per record, ProducerPerformance (all processes)',
      micros(broker.producerCost.machineCpuSeconds, broker.records),
      'µs',
    ],
    ['machine CPU per reading, gateway run (all processes)', micros(phase.machineCpuSeconds, accepted), 'µs'],
    ['CPU per reading, gateway + Kafka + load generator', micros(involved, accepted), 'µs'],
    ...Object.entries(phase.processes).map(([name, p]): [string, number, string] => [
      `CPU per reading, ${name}`,
      micros(p.cpuSeconds, accepted),
      'µs',
    ]),
    ...Object.entries(phase.processes).map(([name, p]): [string, number, string] => [
      `peak RSS, ${name}`,
      p.peakMiB,
      'MiB',
    ]),
    ['peak RSS, ProducerPerformance JVM', broker.producerCost.peakMiB, 'MiB'],
    ['requests answered 202', result['2xx'], 'requests'],
    ['requests answered otherwise', result.non2xx + result.errors + result.timeouts, 'requests'],
    [
      'Kafka offsets added to the topic (anything else produced meanwhile included)',
      total(after) - total(before),
      'messages',
    ],
    ['requests/s', Math.round(result.requests.average), 'req/s'],
    ['latency p50', result.latency.p50, 'ms'],
    ['latency p99', result.latency.p99, 'ms'],
    ['latency max', result.latency.max, 'ms'],
  ];
  const conditions = {
    load: `${seconds} s, ${connections} connections, batches of ${batch} JSON readings → ${topics.rawTelemetry.topic}`,
    gateway: `\`sluice run gateway\`, its own ${workers} worker process(es), acks=all idempotent producer`,
    peer: `Kafka ProducerPerformance, ${broker.records} records of 300 B, acks=all idempotent, same broker, same run`,
    machine: `${machineConditions()} (shared: compare ratios, not absolutes)`,
  };
  report("HTTP gateway vs Kafka's own producer", conditions, rows);
  writeResults('http-gateway', {
    conditions,
    readingsPerSecond,
    broker,
    ratio,
    phase,
    latency: result.latency,
  });
} finally {
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  await revokeApiKey(pool, key.prefix);
  await pool.end();
}
