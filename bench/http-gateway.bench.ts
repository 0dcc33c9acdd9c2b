/**
 * HTTP ingest gateway throughput: autocannon POSTs JSON batches of readings to a gateway running
 * in its own process (`sluice run gateway`, as in production) against the local
 * Kafka (acks=all, idempotent producer). Counts what Kafka acknowledged, not what was sent.
 *
 *   node --import tsx bench/http-gateway.bench.ts
 *   BENCH_SECONDS=10 BENCH_BATCH=500 BENCH_CONNECTIONS=16 HTTP_GATEWAY_WORKERS=2 to change the conditions
 *   (the gateway runs as many worker processes as there are cores here: one per core).
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { createApiKey, revokeApiKey } from '../lib/api-keys.ts';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { createKafka } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import { rawTopicEnd, type TopicPosition } from '../producers/testing.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import { startProducer } from './producer-process.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const batch = Number(process.env.BENCH_BATCH ?? 500);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const workers = process.env.HTTP_GATEWAY_WORKERS ?? String(availableParallelism());
const port = 31090;
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
  const before = await rawTopicEnd(kafka);
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
  const after = await rawTopicEnd(kafka);
  const accepted = result['2xx'] * batch;
  const rows: [string, string, string][] = [
    ['requests answered 202', String(result['2xx']), 'requests'],
    ['requests answered otherwise', String(result.non2xx + result.errors + result.timeouts), 'requests'],
    ['readings accepted (202)', accepted.toLocaleString('en'), 'readings'],
    [
      'readings/s accepted into Kafka',
      Math.round(accepted / result.duration).toLocaleString('en'),
      'readings/s',
    ],
    ['Kafka offsets added to the topic', (total(after) - total(before)).toLocaleString('en'), 'messages'],
    ['requests/s', result.requests.average.toFixed(0), 'req/s'],
    ['latency p50', String(result.latency.p50), 'ms'],
    ['latency p99', String(result.latency.p99), 'ms'],
    ['latency max', String(result.latency.max), 'ms'],
  ];
  process.stdout.write(
    `\nHTTP gateway → ${topics.rawTelemetry.topic}: ${seconds}s, ${connections} connections, batches of ${batch} JSON readings, acks=all idempotent producer, gateway in its own ${workers} worker process(es)\n\n`,
  );
  process.stdout.write(`${'metric'.padEnd(36)} ${'value'.padStart(14)}  unit\n`);
  for (const [metric, value, unit] of rows)
    process.stdout.write(`${metric.padEnd(36)} ${value.padStart(14)}  ${unit}\n`);
  process.stdout.write('\n(Kafka offsets include anything else produced to the shared topic meanwhile.)\n');
} finally {
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
  await revokeApiKey(pool, key.prefix);
  await pool.end();
}
