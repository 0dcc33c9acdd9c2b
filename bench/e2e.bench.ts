/**
 * End to end, as `npm start` runs Sluice: the platform (`sluice run platform --no-demo`: the API
 * and the producers in its process, each processor and sink in a process of its own) on a private stack, readings POSTed to its HTTP gateway and followed through the raw
 * topic, the telemetry processor and the normalized topic into PostgreSQL and ClickHouse.
 *
 *   (a) sustained: as many readings as the gateway takes for BENCH_SECONDS (60); the rate is what
 *       reached both sinks in that window (the slowest part sets it);
 *   (b) latency at a fixed 5,000 readings/s, measured first (a process's memory at that rate is
 *       its own, not what a burst left): from the gateway's 202 to the row being visible in
 *       ClickHouse and in PostgreSQL (sampled readings, polled every 100 ms), p50/p95/p99;
 *   (c) resident memory and CPU of every process, and whether each Node process's memory comes
 *       back within 20% of its idle figure a minute after the burst of (a);
 *   (d) Kafka's own ProducerPerformance and ConsumerPerformance on the same broker, and Sluice's
 *       throughput as a share of the broker's.
 *
 * Results go to bench/results/e2e-<time>.json and bench/results/e2e.svg (shown in docs/performance.md).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey } from '../lib/api-keys.ts';
import { clickhouseSettings, createClickHouse } from '../lib/clickhouse.ts';
import { loadSettings, projectRoot } from '../lib/config.ts';
import { createKafka, kafkaSettings, topicWatermarks } from '../lib/kafka.ts';
import { createPgPool, postgresSettings } from '../lib/postgres.ts';
import { topics } from '../schemas/catalog.ts';
import { PrivatePlatform, type ServerName } from '../test/private-platform.ts';
import { uniqueSuffix } from '../test/support.ts';
import { chart } from './e2e-chart.ts';
import { brokerPerformance } from './kafka-tools.ts';
import { machineConditions, report, writeResults } from './report.ts';
import { childPids, commandOf, ResourceWatch, rssOf } from './resources.ts';

const sustainedSeconds = Number(process.env.BENCH_SECONDS ?? 60);
const fixedRate = 5_000;
const fixedSeconds = 60;
const batch = 500;
/** Requests in flight at once during (a): each waits for Kafka's acknowledgement, so too few lanes limit the gateway. */
const lanes = Number(process.env.BENCH_LANES ?? 32);
const ports = {
  kafka: 17070,
  controller: 17071,
  registry: 17072,
  postgres: 17073,
  clickhouse: 17074,
  clickhouseTcp: 17075,
  mosquitto: 17076,
  gateway: 17077,
};
const apiPort = 17078;
const run = uniqueSuffix();
const prefix = `e2e-${run}`;

// ---- load

/** Readings no other request repeats (their message ids differ), as devices send them. */
function body(first: number, count: number, deviceOf: (n: number) => string): string {
  const now = Date.now();
  const items: string[] = [];
  for (let n = first; n < first + count; n++) {
    items.push(
      `{"deviceId":"${deviceOf(n)}","siteId":"site-${n % 7}","metric":"temperature","value":${(n % 4000) / 100},"unit":"degF","ts":${now},"messageId":"${prefix}-${n}"}`,
    );
  }
  return `[${items.join(',')}]`;
}

interface Answer {
  status: number;
  eventIds: string[];
}

async function post(url: string, key: string, text: string): Promise<Answer> {
  const response = await fetch(`${url}/v1/ingest/telemetry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: text,
  });
  const answer = (await response.json()) as { results?: { eventId?: string }[] };
  return {
    status: response.status,
    eventIds: (answer.results ?? []).flatMap((result) => (result.eventId ? [result.eventId] : [])),
  };
}

// ---- the run

const platform = new PrivatePlatform(ports, { API_PORT: String(apiPort), LOG_LEVEL: 'warn' });
const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
try {
  process.stderr.write('starting a private stack and the platform…\n');
  await platform.stack(['up']);
  const env = platform.connectionEnv();
  const kafka = createKafka('bench-e2e', loadSettings(kafkaSettings, env));
  const pool = createPgPool(loadSettings(postgresSettings, env));
  const clickhouse = createClickHouse(loadSettings(clickhouseSettings, env));
  const key = (await createApiKey(pool, { name: `bench-${run}`, roles: ['ingest'] })).key;
  // as npm start runs it: its malloc arenas capped (cli/platform.ts)
  const sluice = platform.startCommand('platform', ['run', 'platform', '--no-demo'], {
    MALLOC_ARENA_MAX: '2',
  });
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (!sluice.alive) throw new Error(`the platform exited:\n${platform.lastLines('platform').join('\n')}`);
    await sleep(500);
  }
  const platformPid = sluice.child.pid as number;
  /** The platform's Node processes: its own and each component process's, named by its command. */
  const nodeProcesses = () =>
    new Map<string, number>([
      ['platform (node)', platformPid],
      ...childPids(platformPid)
        .map((pid) => [commandOf(pid), pid] as const)
        // its component processes, not a helper of the TypeScript loader (esbuild's service)
        .filter(([command]) => /^(processor|sink) /.test(command))
        .map(([command, pid]) => [`${command} (node)`, pid] as [string, number]),
    ]);
  const pids = () => {
    const found = nodeProcesses();
    for (const server of ['kafka', 'registry', 'postgres', 'clickhouse'] as ServerName[]) {
      const pid = platform.serverPidIfRunning(server);
      if (pid) found.set(server, pid);
    }
    found.set('load generator (node)', process.pid);
    return found;
  };
  // the load generator started the platform and the servers, the platform its component processes:
  // their own figures only
  const watch = new ResourceWatch(pids, new Set(['load generator (node)', 'platform (node)']));
  const nodeRss = () => new Map([...nodeProcesses()].map(([name, pid]) => [name, rssOf(pid)]));

  const rows = async () => {
    const [{ n: postgres }] = (
      await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM telemetry_readings WHERE device_id LIKE $1',
        [`${prefix}%`],
      )
    ).rows as [{ n: string }];
    const [{ n: ch }] = (await (
      await clickhouse.query({
        query: `SELECT toString(count()) AS n FROM telemetry_readings WHERE device_id LIKE '${prefix}%'`,
        format: 'JSONEachRow',
      })
    ).json()) as [{ n: string }];
    return { postgres: Number(postgres), clickhouse: Number(ch) };
  };
  const normalizedEnd = async () =>
    (await topicWatermarks(kafka, topics.normalizedTelemetry.topic)).reduce((sum, p) => sum + p.high, 0);

  await sleep(20_000);
  const idleRss = nodeRss();

  // (b) latency at a fixed rate, before any burst: ten requests a second, the first reading of each followed
  let sequence = 0;
  process.stderr.write(`(b) ${fixedSeconds} s at ${fixedRate} readings/s, following sampled readings…\n`);
  const perRequest = batch;
  const interval = (1000 * perRequest) / fixedRate;
  const samples: { eventId: string; ts: number; ackedAt: number; postgres?: number; clickhouse?: number }[] =
    [];
  let latencyRefused = 0;
  let fixedAcknowledged = 0;
  const latencyDevice = (n: number) =>
    n % perRequest === 0 ? `${prefix}-lat-${n / perRequest}` : `${prefix}-${n % 2000}`;
  watch.begin();
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling || samples.some((s) => s.postgres === undefined || s.clickhouse === undefined)) {
      const pendingPg = samples.filter((s) => s.postgres === undefined).slice(0, 500);
      const pendingCh = samples.filter((s) => s.clickhouse === undefined).slice(0, 500);
      if (pendingPg.length > 0) {
        const { rows: found } = await pool.query<{ event_id: string }>(
          `SELECT event_id FROM telemetry_readings WHERE (source_time, event_id) IN
             (SELECT to_timestamp(t / 1000.0), e FROM unnest($1::float8[], $2::text[]) AS x(t, e))`,
          [pendingPg.map((s) => s.ts), pendingPg.map((s) => s.eventId)],
        );
        const seenAt = Date.now();
        const ids = new Set(found.map((row) => row.event_id));
        for (const sample of pendingPg)
          if (ids.has(sample.eventId)) sample.postgres = seenAt - sample.ackedAt;
      }
      if (pendingCh.length > 0) {
        const found = (await (
          await clickhouse.query({
            query: `SELECT event_id FROM telemetry_readings WHERE device_id LIKE '${prefix}-lat-%' AND event_id IN (${pendingCh
              .map((s) => `'${s.eventId}'`)
              .join(',')})`,
            format: 'JSONEachRow',
          })
        ).json()) as { event_id: string }[];
        const seenAt = Date.now();
        const ids = new Set(found.map((row) => row.event_id));
        for (const sample of pendingCh)
          if (ids.has(sample.eventId)) sample.clickhouse = seenAt - sample.ackedAt;
      }
      if (Date.now() - started > (fixedSeconds + 120) * 1000) break;
      await sleep(100);
    }
  })();
  for (let request = 0; Date.now() - started < fixedSeconds * 1000; request++) {
    const due = started + request * interval;
    if (due > Date.now()) await sleep(due - Date.now());
    const first = sequence;
    sequence += perRequest;
    const ts = Date.now();
    inFlight.push(
      post(gatewayUrl, key, body(first, perRequest, latencyDevice)).then(
        (answer) => {
          const eventId = answer.eventIds[0];
          if (answer.status === 202 && eventId) {
            samples.push({ eventId, ts, ackedAt: Date.now() });
            fixedAcknowledged += answer.eventIds.length;
          } else latencyRefused++;
        },
        () => {
          latencyRefused++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const fixedPhase = watch.end();
  const fixedResources = fixedPhase.processes;
  polling = false;
  await poller;
  // (a) sustained, after (b): every lane posts as fast as it is answered
  process.stderr.write(`(a) ${sustainedSeconds} s as fast as the gateway takes readings…\n`);
  let acknowledged = 0;
  let refused = 0;
  let stop = false;
  const device = (n: number) => `${prefix}-${n % 2000}`;
  const laneLoop = async () => {
    while (!stop) {
      const first = sequence;
      sequence += batch;
      const answer = await post(gatewayUrl, key, body(first, batch, device)).catch(() => ({
        status: 0,
        eventIds: [],
      }));
      if (answer.status === 202) acknowledged += answer.eventIds.length;
      else {
        refused++;
        await sleep(200);
      }
    }
  };
  watch.begin();
  const loops = Array.from({ length: lanes }, laneLoop);
  await sleep(10_000); // warm-up: JIT, batches filling
  const windowStart = {
    at: Date.now(),
    rows: await rows(),
    acked: acknowledged,
    normalized: await normalizedEnd(),
  };
  await sleep(sustainedSeconds * 1000);
  const windowEnd = {
    at: Date.now(),
    rows: await rows(),
    acked: acknowledged,
    normalized: await normalizedEnd(),
  };
  stop = true;
  await Promise.all(loops);
  const sustainedPhase = watch.end();
  const sustainedResources = sustainedPhase.processes;
  const window = (windowEnd.at - windowStart.at) / 1000;
  const rate = (from: number, to: number) => Math.round((to - from) / window);
  const sustained = {
    gatewayAcknowledged: rate(windowStart.acked, windowEnd.acked),
    normalized: rate(windowStart.normalized, windowEnd.normalized),
    postgres: rate(windowStart.rows.postgres, windowEnd.rows.postgres),
    clickhouse: rate(windowStart.rows.clickhouse, windowEnd.rows.clickhouse),
    refusedRequests: refused,
  };
  const endToEnd = Math.min(sustained.postgres, sustained.clickhouse);
  process.stderr.write(`    draining the backlog…\n`);
  const drainStart = Date.now();
  for (;;) {
    const now = await rows();
    // every reading acknowledged in (b) and (a) is in both
    const expected = fixedAcknowledged + acknowledged;
    if (now.postgres >= expected && now.clickhouse >= expected) break;
    if (Date.now() - drainStart > 600_000) break;
    await sleep(2000);
  }
  const drainSeconds = Math.round((Date.now() - drainStart) / 1000);
  process.stderr.write(`    idle a minute after the burst…\n`);
  await sleep(60_000);
  const afterBurstRss = nodeRss();

  const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  };
  const latency = (which: 'postgres' | 'clickhouse') => {
    const seen = samples.flatMap((s) => (s[which] === undefined ? [] : [s[which] as number]));
    return {
      samples: samples.length,
      seen: seen.length,
      p50: percentile(seen, 50),
      p95: percentile(seen, 95),
      p99: percentile(seen, 99),
    };
  };
  const latencies = { clickhouse: latency('clickhouse'), postgres: latency('postgres') };

  // (d) the broker alone, with Kafka's own tools from the same jars
  process.stderr.write('(d) Kafka ProducerPerformance and ConsumerPerformance on the same broker…\n');
  const broker = await brokerPerformance(kafka, (env.KAFKA_BROKERS ?? '') as string, {
    topic: `bench.kafka-perf.${run}`,
  });
  const kafkaProducer = broker.producer;
  const kafkaConsumer = broker.consumer;

  const results = {
    at: new Date().toISOString(),
    machine: { cores: cpus().length, loadAverage: loadavg() },
    sustained: { seconds: window, ...sustained, endToEnd, drainSeconds },
    latencyAt5000PerSecondMs: latencies,
    memory: Object.fromEntries(
      [...idleRss].map(([name, idle]) => {
        const after = afterBurstRss.get(name) ?? 0;
        return [
          name,
          {
            idleMiB: Math.round(idle / 2 ** 20),
            minuteAfterBurstMiB: Math.round(after / 2 ** 20),
            withinTwentyPercent: after <= idle * 1.2,
          },
        ];
      }),
    ),
    resources: { sustained: sustainedResources, at5000PerSecond: fixedResources },
    machineCpuMicrosecondsPerEvent: {
      sustained: Math.round((sustainedPhase.machineCpuSeconds * 1e6) / (endToEnd * sustainedPhase.seconds)),
      at5000PerSecond: Math.round((fixedPhase.machineCpuSeconds * 1e6) / (fixedRate * fixedPhase.seconds)),
    },
    kafka: { producerRecordsPerSecond: kafkaProducer, consumerRecordsPerSecond: kafkaConsumer },
    ratioToBrokerProducer: Math.round((endToEnd / kafkaProducer) * 1000) / 1000,
  };
  writeResults('e2e', results);
  writeFileSync(join(projectRoot, 'bench', 'results', 'e2e.svg'), chart(results));

  report(
    'end to end: HTTP → raw → processor → normalized → PostgreSQL + ClickHouse, the platform as npm start runs it',
    {
      processes:
        'the platform (API, gateway, producers) and a process per processor and sink, as npm start runs them',
      'sustained window': `${Math.round(window)} s, ${lanes} connections, ${batch} readings a request`,
      'fixed rate': `${fixedRate} readings/s for ${fixedSeconds} s, ${samples.length} readings followed`,
      machine: machineConditions(),
    },
    [
      ['sustained end to end (both sinks)', endToEnd, 'events/s'],
      ['  gateway acknowledged', sustained.gatewayAcknowledged, 'events/s'],
      ['  normalized topic', sustained.normalized, 'records/s'],
      ['  PostgreSQL rows', sustained.postgres, 'rows/s'],
      ['  ClickHouse rows', sustained.clickhouse, 'rows/s'],
      ['  backlog drained after the window in', drainSeconds, 's'],
      [
        'machine CPU per event, sustained / at 5,000/s',
        `${results.machineCpuMicrosecondsPerEvent.sustained} / ${results.machineCpuMicrosecondsPerEvent.at5000PerSecond}`,
        'µs',
      ],
      ['Kafka ProducerPerformance (300 B, acks=all)', kafkaProducer, 'records/s'],
      ['Kafka ConsumerPerformance', kafkaConsumer, 'records/s'],
      ['Sluice end to end / broker producer', results.ratioToBrokerProducer, ''],
      [
        'ClickHouse-visible p50 / p95 / p99 at 5,000/s',
        `${latencies.clickhouse.p50} / ${latencies.clickhouse.p95} / ${latencies.clickhouse.p99}`,
        'ms',
      ],
      [
        'PostgreSQL-visible p50 / p95 / p99 at 5,000/s',
        `${latencies.postgres.p50} / ${latencies.postgres.p95} / ${latencies.postgres.p99}`,
        'ms',
      ],
      ['refused during the fixed rate', latencyRefused, 'requests'],
      ...Object.entries(fixedResources).map(
        ([name, r]) =>
          [`${name} at 5,000/s: peak RSS, CPU`, `${r.peakMiB} MiB, ${r.cpuCores}`, 'cores'] as [
            string,
            string,
            string,
          ],
      ),
      ...Object.entries(sustainedResources).map(
        ([name, r]) =>
          [`${name} sustained: peak RSS, CPU`, `${r.peakMiB} MiB, ${r.cpuCores}`, 'cores'] as [
            string,
            string,
            string,
          ],
      ),
      ...Object.entries(results.memory).map(
        ([name, m]) =>
          [
            `${name} RSS idle → a minute after the burst`,
            `${m.idleMiB} → ${m.minuteAfterBurstMiB}${m.withinTwentyPercent ? '' : ' (not within 20%)'}`,
            'MiB',
          ] as [string, string, string],
      ),
    ],
  );
  await pool.end();
  await clickhouse.close();
} finally {
  await platform.down();
}
