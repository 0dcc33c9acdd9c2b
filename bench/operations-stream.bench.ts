/**
 * The live stream under load: 100 clients on GET /api/v1/stream while the platform ingests
 * 5,000 readings/s through the HTTP gateway. The API runs in its own process (`sluice run api`,
 * as in production) beside the platform (`sluice run platform --no-demo`, its own API on another
 * port); this process is only the clients and the load. Bounded: BENCH_SECONDS of load, then
 * everything it started is stopped.
 *
 * Targets: every client receives pipeline updates throughout, the API process's RSS ≤ 300 MB.
 *
 *   npm run bench operations-stream
 *   BENCH_CLIENTS=100 BENCH_RATE=5000 BENCH_SECONDS=30 to change the conditions
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey, revokeApiKey } from '../lib/api-keys.ts';
import { createPgPool } from '../lib/postgres.ts';
import { uniqueSuffix } from '../test/support.ts';
import { spawnCompiled } from './producer-process.ts';
import { report } from './report.ts';
import { rssOf } from './resources.ts';

const clients = Number(process.env.BENCH_CLIENTS ?? 100);
const rate = Number(process.env.BENCH_RATE ?? 5000);
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const apiPort = Number(process.env.API_PORT ?? 8080) + 9;
const platformApiPort = apiPort + 2;
const gatewayPort = Number(process.env.HTTP_GATEWAY_PORT ?? 8090) + 9;
const apiUrl = `http://127.0.0.1:${apiPort}`;
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
const batch = 250;
const suffix = uniqueSuffix();

const children: ChildProcess[] = [];

async function start(args: string[], env: Record<string, string>, healthUrl: string): Promise<ChildProcess> {
  const child = spawnCompiled(args, { ...process.env, LOG_LEVEL: 'warn', ...env }, [
    'ignore',
    'ignore',
    'inherit',
  ]);
  children.push(child);
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`sluice ${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(healthUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`sluice ${args.join(' ')} did not answer in 120 s`);
}

/** One SSE client: counts the events it receives, by name, and when the last pipeline event came. */
function listen(key: string, signal: AbortSignal) {
  const seen = { pipeline: 0, other: 0, lastPipelineAt: 0, bytes: 0, failed: '' };
  void (async () => {
    try {
      const response = await fetch(`${apiUrl}/api/v1/stream`, { headers: { 'x-api-key': key }, signal });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen.bytes += value.byteLength;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (frame.startsWith('event: pipeline')) {
            seen.pipeline += 1;
            seen.lastPipelineAt = Date.now();
          } else if (frame.startsWith('event: ')) seen.other += 1;
        }
      }
    } catch (err) {
      if (!signal.aborted) seen.failed = (err as Error).message;
    }
  })();
  return seen;
}

/** Posts `rate` readings a second to the gateway in batches, for `seconds`; answers the readings accepted. */
async function ingest(key: string): Promise<{ accepted: number; refused: number; elapsed: number }> {
  const started = Date.now();
  const interval = (batch / rate) * 1000;
  let accepted = 0;
  let refused = 0;
  let next = started;
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; Date.now() - started < seconds * 1000; n++) {
    const now = Date.now();
    const body = JSON.stringify(
      Array.from({ length: batch }, (_, i) => ({
        deviceId: `bench-stream-${suffix}-${(n * batch + i) % 500}`,
        siteId: `bench-site-${i % 10}`,
        metric: 'temperature',
        value: 20 + (i % 50) / 10,
        unit: 'degC',
        ts: new Date(now - (batch - i)).toISOString(),
      })),
    );
    const request = fetch(`${gatewayUrl}/v1/ingest/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body,
    })
      .then(async (response) => {
        const answer = (await response.json()) as { accepted?: number };
        if (response.status === 202) accepted += answer.accepted ?? 0;
        else refused += batch;
      })
      .catch(() => {
        refused += batch;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    next += interval;
    await sleep(Math.max(0, next - Date.now()));
  }
  await Promise.all(inFlight);
  return { accepted, refused, elapsed: (Date.now() - started) / 1000 };
}

const pool = createPgPool();
const keys: string[] = [];
try {
  const read = await createApiKey(pool, { name: `bench-stream-read-${suffix}`, roles: ['read'] });
  const ingestKey = await createApiKey(pool, { name: `bench-stream-ingest-${suffix}`, roles: ['ingest'] });
  keys.push(read.prefix, ingestKey.prefix);
  await start(
    ['run', 'platform', '--no-demo'],
    {
      API_PORT: String(platformApiPort),
      OPS_PORT: String(platformApiPort + 1),
      HTTP_GATEWAY_PORT: String(gatewayPort),
    },
    `${gatewayUrl}/healthz`,
  );
  const api = await start(
    ['run', 'api'],
    { API_PORT: String(apiPort), OPS_PORT: String(apiPort + 1) },
    `${apiUrl}/healthz`,
  );
  const pid = api.pid as number;
  const idleRss = rssOf(pid);
  let peakRss = idleRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssOf(pid));
  }, 100);
  const stop = new AbortController();
  const listeners = Array.from({ length: clients }, () => listen(read.key, stop.signal));
  await sleep(2000);
  const load = await ingest(ingestKey.key);
  const endedAt = Date.now();
  await sleep(2000);
  stop.abort();
  clearInterval(sampler);
  const counts = listeners.map((l) => l.pipeline).sort((a, b) => a - b);
  const stale = listeners.filter((l) => endedAt - l.lastPipelineAt > 5000).length;
  report(
    `GET /api/v1/stream: ${clients} clients while the gateway takes ${rate} readings/s`,
    {
      'the API process': `sluice run api, pid ${pid}, RSS sampled every 100 ms`,
      load: `${batch} readings a POST to the gateway of \`sluice run platform\`, ${seconds} s`,
    },
    [
      ['readings accepted', load.accepted, 'readings'],
      ['accepted per second (target 5,000)', load.accepted / load.elapsed, 'readings/s'],
      ['readings refused or failed', load.refused, 'readings'],
      ['clients that failed', listeners.filter((l) => l.failed).length, 'clients'],
      ['clients without a pipeline event in the last 5 s (target 0)', stale, 'clients'],
      ['pipeline events per client, min', counts[0] ?? 0, 'events'],
      ['pipeline events per client, median', counts[Math.floor(counts.length / 2)] ?? 0, 'events'],
      [
        'other events per client, median',
        listeners.map((l) => l.other).sort((a, b) => a - b)[Math.floor(clients / 2)] ?? 0,
        'events',
      ],
      ['MiB sent to all clients', listeners.reduce((sum, l) => sum + l.bytes, 0) / 2 ** 20, 'MiB'],
      ['API RSS idle', idleRss / 2 ** 20, 'MiB'],
      ['API peak RSS (target ≤ 300)', peakRss / 2 ** 20, 'MiB'],
    ],
  );
} finally {
  for (const child of children.reverse()) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  for (const id of keys) await revokeApiKey(pool, id);
  await pool.end();
}
