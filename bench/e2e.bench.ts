/**
 * End to end, as `npm start` runs Sluice: the platform (`sluice run platform --no-demo`: the API
 * and the producers in its process, each processor and sink in a process of its own) on a private stack, readings POSTed to its HTTP gateway and followed through the raw
 * topic, the telemetry processor and the normalized topic into PostgreSQL and ClickHouse.
 *
 *   (a) sustained: the highest rate both sinks keep up with, offered at a steady pace for
 *       BENCH_SECONDS (60), found by bisection (BENCH_STEPS probes) between what reached both sinks
 *       during a burst and what the gateway took during it (by steps of a fifth down from the
 *       first when it does not keep up either). The burst itself (as many readings as
 *       the gateway takes, for BENCH_SECONDS) gives each stage's rate when the stages before it
 *       take all the CPU they can: a flood is not a rate the pipeline sustains;
 *   (b) latency at a fixed 5,000 readings/s, measured first (a process's memory at that rate is
 *       its own, not what a burst left) after BENCH_WARMUP_SECONDS (30) at that rate: from the
 *       gateway's 202 to the row being visible in ClickHouse and in PostgreSQL (sampled readings,
 *       polled every 100 ms), p50/p95/p99;
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
import { postgresArchiveSettings } from '../sinks/postgres/config.ts';
import { PrivatePlatform, type ServerName } from '../test/private-platform.ts';
import { compiledCli, uniqueSuffix } from '../test/support.ts';
import { chart } from './e2e-chart.ts';
import { brokerPerformance } from './kafka-tools.ts';
import { machineConditions, report, writeResults } from './report.ts';
import { childPids, commandOf, ResourceWatch, rssOf } from './resources.ts';

const sustainedSeconds = Number(process.env.BENCH_SECONDS ?? 60);
const fixedRate = 5_000;
const fixedSeconds = 60;
/**
 * Seconds at the fixed rate before (b) measures: right after their start the JVMs compile their hot
 * paths (the broker spent 9.8 of the first 30 s of load compiling, JFR's jdk.Compilation events of
 * 100 ms or more) and (b) measured that, not the pipeline as it runs.
 */
const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 30);
/** A probe of (a) kept up when both sinks loaded at least this share of what the gateway acknowledged (a batch in flight is ~2%). */
const keepUpShare = 0.97;
/** Probes of (a) by bisection, each a sustained window (~80 s with its warm-up and drain). */
const bisectionSteps = Number(process.env.BENCH_STEPS ?? 4);
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

/** Readings no other request repeats (their message ids differ), as devices send them, timed `now`. */
function body(first: number, count: number, deviceOf: (n: number) => string, now = Date.now()): string {
  const items: string[] = [];
  for (let n = first; n < first + count; n++) {
    items.push(
      `{"deviceId":"${deviceOf(n)}","siteId":"site-${n % 7}","metric":"temperature","value":${(n % 4000) / 100},"unit":"degF","ts":${now},"messageId":"${prefix}-${n}"}`,
    );
  }
  return `[${items.join(',')}]`;
}

/** A sink's backend as pg_stat_activity shows it, in the words of the bench's report. */
function backendState(state: string | null, waitEvent: string | null): string {
  if (state !== 'active') return state ?? 'unknown';
  if (waitEvent === null) return 'on CPU';
  return waitEvent === 'ClientRead' ? 'reading COPY data' : 'waiting';
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

const platform = new PrivatePlatform(ports, { API_PORT: String(apiPort), LOG_LEVEL: 'warn' }, compiledCli());
const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
try {
  process.stderr.write('starting a private stack and the platform…\n');
  await platform.stack(['up']);
  const env = platform.connectionEnv();
  const kafka = createKafka('bench-e2e', loadSettings(kafkaSettings, env));
  const pool = createPgPool(loadSettings(postgresSettings, env));
  const clickhouse = createClickHouse(loadSettings(clickhouseSettings, env));
  const key = (await createApiKey(pool, { name: `bench-${run}`, roles: ['ingest'] })).key;
  // as npm start runs it: compiled, with glibc's malloc settings (lib/memory.ts mallocEnv, given by the private platform)
  const sluice = platform.startCommand('platform', ['run', 'platform', '--no-demo']);
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
  /** PostgreSQL's own counters: the WAL it wrote, full-page images, checkpoints, buffers its backends had to write out. */
  const postgresCounters = async () => {
    const {
      rows: [wal],
    } = await pool.query<{ bytes: string; fpi: string }>(
      'SELECT wal_bytes AS bytes, wal_fpi AS fpi FROM pg_stat_wal',
    );
    const {
      rows: [writer],
    } = await pool.query<{ checkpoints: string; backend: string }>(
      'SELECT checkpoints_timed + checkpoints_req AS checkpoints, buffers_backend AS backend FROM pg_stat_bgwriter',
    );
    return {
      walBytes: Number(wal?.bytes),
      fullPageImages: Number(wal?.fpi),
      checkpoints: Number(writer?.checkpoints),
      buffersWrittenByBackends: Number(writer?.backend),
    };
  };
  /**
   * Samples what the sinks' backends do every 200 ms until the returned function is called, which
   * answers the share of samples in each state per table a backend copies into: on CPU, reading
   * COPY data from the sink, waiting (I/O, locks), idle in transaction (the sink has not sent the
   * next statement), idle (no batch ready). Where the sinks' rate is lost: the server or its clients.
   */
  const sampleSinkBackends = () => {
    const tableOf = new Map<number, string>();
    const counts = new Map<string, Map<string, number>>();
    let samples = 0;
    let sampling = true;
    const loop = (async () => {
      while (sampling) {
        const { rows: backends } = await pool.query<{
          pid: number;
          state: string | null;
          wait_event: string | null;
          query: string;
        }>(
          `SELECT pid, state, wait_event, query FROM pg_stat_activity
           WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        );
        samples++;
        for (const backend of backends) {
          const copied = /^COPY (\w+)/.exec(backend.query)?.[1];
          if (copied) tableOf.set(backend.pid, copied);
          const table = tableOf.get(backend.pid);
          if (!table) continue;
          const state = backendState(backend.state, backend.wait_event);
          const states = counts.get(table) ?? new Map<string, number>();
          counts.set(table, states);
          states.set(state, (states.get(state) ?? 0) + 1);
        }
        await sleep(200);
      }
    })();
    return async () => {
      sampling = false;
      await loop;
      return Object.fromEntries(
        [...counts].map(([table, states]) => [
          table,
          Object.fromEntries([...states].map(([state, n]) => [state, Math.round((100 * n) / samples)])),
        ]),
      ) as Record<string, Record<string, number>>;
    };
  };
  const normalizedEnd = async () =>
    (await topicWatermarks(kafka, topics.normalizedTelemetry.topic)).reduce((sum, p) => sum + p.high, 0);

  await sleep(20_000);
  const idleRss = nodeRss();

  /**
   * Posts `rate` readings a second for `seconds`: a request of `batch` readings every
   * 1000·batch/rate ms, whether or not the ones before were answered (as devices send), each
   * answer passed to `answered` with the time it was sent.
   */
  const offer = async (
    rate: number,
    seconds: number,
    deviceOf: (n: number) => string,
    answered: (answer: Answer, sentAt: number) => void,
  ) => {
    const interval = (1000 * batch) / rate;
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let request = 0; Date.now() - started < seconds * 1000; request++) {
      const due = started + request * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      const first = sequence;
      sequence += batch;
      // the readings' time is the one the latency probe looks them up by in PostgreSQL's key
      const sentAt = Date.now();
      inFlight.push(
        post(gatewayUrl, key, body(first, batch, deviceOf, sentAt)).then(
          (answer) => answered(answer, sentAt),
          () => answered({ status: 0, eventIds: [] }, sentAt),
        ),
      );
    }
    await Promise.all(inFlight);
  };
  /** Readings the gateway acknowledged so far, in every phase: each is expected in both sinks. */
  let acknowledged = 0;
  const device = (n: number) => `${prefix}-${n % 2000}`;
  /** Raw records the archive sink has yet to store: the raw topic's end past its offsets in sink_offsets. */
  const archiveBehind = async () => {
    const raw = topics.rawTelemetry.topic;
    const end = (await topicWatermarks(kafka, raw)).reduce((sum, p) => sum + p.high, 0);
    const {
      rows: [stored],
    } = await pool.query<{ next: string | null }>(
      'SELECT sum(next_offset) AS next FROM sink_offsets WHERE consumer_group = $1 AND topic = $2',
      [loadSettings(postgresArchiveSettings, env).groupId, raw],
    );
    return end - Number(stored?.next ?? 0);
  };
  /** Stops the run, with the process's last lines, once a process of the platform exited unasked. */
  const noneExited = () => {
    const [exit] = platform.unexpectedExits;
    if (exit)
      throw new Error(
        `${exit.component} exited (code ${exit.code}, signal ${exit.signal}):\n${exit.lastLines.join('\n')}`,
      );
  };
  /** Waits until both sinks hold every acknowledged reading and the archive every raw record (at most `limitSeconds`); the seconds it took. */
  const drain = async (limitSeconds: number) => {
    const drainStart = Date.now();
    for (;;) {
      noneExited();
      const now = await rows();
      if (now.postgres >= acknowledged && now.clickhouse >= acknowledged && (await archiveBehind()) <= 0)
        break;
      if (Date.now() - drainStart > limitSeconds * 1000) break;
      await sleep(1000);
    }
    return Math.round((Date.now() - drainStart) / 1000);
  };
  const mark = async () => ({
    at: Date.now(),
    rows: await rows(),
    acked: acknowledged,
    normalized: await normalizedEnd(),
  });
  /** Per-second rates of each stage between two marks. */
  const rates = (from: Awaited<ReturnType<typeof mark>>, to: Awaited<ReturnType<typeof mark>>) => {
    const window = (to.at - from.at) / 1000;
    const rate = (a: number, b: number) => Math.round((b - a) / window);
    return {
      seconds: window,
      gatewayAcknowledged: rate(from.acked, to.acked),
      normalized: rate(from.normalized, to.normalized),
      postgres: rate(from.rows.postgres, to.rows.postgres),
      clickhouse: rate(from.rows.clickhouse, to.rows.clickhouse),
    };
  };

  // (b) latency at a fixed rate, before any burst: ten requests a second, the first reading of each followed
  let sequence = 0;
  process.stderr.write(
    `(b) ${warmUpSeconds} s at ${fixedRate} readings/s to warm up, then ${fixedSeconds} s following sampled readings…\n`,
  );
  const samples: { eventId: string; ts: number; ackedAt: number; postgres?: number; clickhouse?: number }[] =
    [];
  let latencyRefused = 0;
  await offer(fixedRate, warmUpSeconds, device, (answer) => {
    if (answer.status === 202) acknowledged += answer.eventIds.length;
    else latencyRefused++;
  });
  const latencyDevice = (n: number) => (n % batch === 0 ? `${prefix}-lat-${n / batch}` : device(n));
  watch.begin();
  const started = Date.now();
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
  await offer(fixedRate, fixedSeconds, latencyDevice, (answer, ts) => {
    const eventId = answer.eventIds[0];
    if (answer.status === 202 && eventId) {
      samples.push({ eventId, ts, ackedAt: Date.now() });
      acknowledged += answer.eventIds.length;
    } else latencyRefused++;
  });
  const fixedPhase = watch.end();
  noneExited();
  const fixedResources = fixedPhase.processes;
  polling = false;
  await poller;

  // the burst, after (b): every lane posts as fast as it is answered; what each stage does when
  // the gateway takes all it can (upstream stages then take CPU the sinks would need)
  process.stderr.write(`(a) a ${sustainedSeconds} s burst, as fast as the gateway takes readings…\n`);
  let refused = 0;
  let stop = false;
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
  const burstStart = await mark();
  await sleep(sustainedSeconds * 1000);
  const burstEnd = await mark();
  stop = true;
  await Promise.all(loops);
  const burstResources = watch.end().processes;
  noneExited();
  const burst = { ...rates(burstStart, burstEnd), refusedRequests: refused };
  process.stderr.write(`    draining the backlog…\n`);
  const drainSeconds = await drain(600);
  process.stderr.write(`    idle a minute after the burst…\n`);
  await sleep(60_000);
  const afterBurstRss = nodeRss();

  // (a) sustained: the highest offered rate both sinks keep up with for the window, found by
  // bisection between the burst's end-to-end rate (kept while the gateway took more) and the
  // gateway's burst rate (nothing downstream can go faster)
  const keptUp = (r: ReturnType<typeof rates>) =>
    Math.min(r.postgres, r.clickhouse) >= keepUpShare * r.gatewayAcknowledged;
  const roundRate = (rate: number) => Math.floor(rate / 500) * 500;
  const probes: (ReturnType<typeof rates> & { offered: number; refused: number; keptUp: boolean })[] = [];
  let sustainedResources: ReturnType<typeof watch.end>['processes'] = {};
  let sustainedMachineCpu = Number.NaN;
  const probe = async (offered: number) => {
    process.stderr.write(`(a) ${offered.toLocaleString('en-US')} readings/s for ${sustainedSeconds} s…\n`);
    let probeRefused = 0;
    watch.begin();
    const offering = offer(offered, sustainedSeconds + 10, device, (answer) => {
      if (answer.status === 202) acknowledged += answer.eventIds.length;
      else probeRefused++;
    });
    await sleep(10_000); // the pipeline at the new rate: batches and lag settled
    const from = await mark();
    const countersBefore = await postgresCounters();
    const backendsSampled = sampleSinkBackends();
    await offering;
    const to = await mark();
    const countersAfter = await postgresCounters();
    const sinkBackends = await backendsSampled();
    const phase = watch.end();
    noneExited();
    const loaded = to.rows.postgres - from.rows.postgres;
    const figures = {
      offered,
      ...rates(from, to),
      refused: probeRefused,
      postgresServer: {
        walBytesPerRow: Math.round((countersAfter.walBytes - countersBefore.walBytes) / loaded),
        fullPageImages: countersAfter.fullPageImages - countersBefore.fullPageImages,
        checkpoints: countersAfter.checkpoints - countersBefore.checkpoints,
        buffersWrittenByBackends:
          countersAfter.buffersWrittenByBackends - countersBefore.buffersWrittenByBackends,
        sinkBackendsPercent: sinkBackends,
      },
      cpuCores: Object.fromEntries(Object.entries(phase.processes).map(([name, r]) => [name, r.cpuCores])),
    };
    const kept = probeRefused === 0 && keptUp(figures);
    probes.push({ ...figures, keptUp: kept });
    process.stderr.write(
      `    gateway ${figures.gatewayAcknowledged}/s, PostgreSQL ${figures.postgres}/s, ClickHouse ${figures.clickhouse}/s: ${kept ? 'kept up' : 'fell behind'}; PostgreSQL's WAL ${figures.postgresServer.walBytesPerRow} B/row, ${figures.postgresServer.checkpoints} checkpoints\n`,
    );
    for (const [table, states] of Object.entries(sinkBackends))
      process.stderr.write(
        `    the backend copying into ${table}, % of the time: ${Object.entries(states)
          .map(([state, share]) => `${state} ${share}`)
          .join(', ')}\n`,
      );
    // bisection only raises the rate after a probe that kept up: the last such probe is the sustained one
    if (kept) {
      sustainedResources = phase.processes;
      sustainedMachineCpu = (phase.machineCpuSeconds * 1e6) / (figures.gatewayAcknowledged * phase.seconds);
    }
    await drain(120);
    return kept;
  };
  let low = roundRate(Math.min(burst.postgres, burst.clickhouse));
  let high = roundRate(burst.gatewayAcknowledged);
  let lowVerified = false;
  for (let step = 0; step < bisectionSteps && high - low > 500; step++) {
    const middle = roundRate((low + high) / 2);
    if (await probe(middle)) {
      low = middle;
      lowVerified = true;
    } else high = middle;
  }
  // what both sinks loaded in the burst is not always a rate they keep up with on their own (on a
  // slow machine the burst ran them flat out): step down until one keeps up
  let stepDown = low;
  for (let step = 0; !lowVerified && step < bisectionSteps; step++) {
    lowVerified = await probe(stepDown);
    stepDown = roundRate(stepDown * 0.8);
  }
  // what both sinks loaded while the highest rate they kept up with was offered
  const sustainedProbe = probes.filter((p) => p.keptUp).sort((a, b) => b.offered - a.offered)[0];
  const endToEnd = sustainedProbe ? Math.min(sustainedProbe.postgres, sustainedProbe.clickhouse) : 0;
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
    sustained: { seconds: sustainedSeconds, endToEnd, keepUpShare, probes },
    burst: { ...burst, endToEnd: Math.min(burst.postgres, burst.clickhouse), drainSeconds },
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
    resources: { sustained: sustainedResources, burst: burstResources, at5000PerSecond: fixedResources },
    machineCpuMicrosecondsPerEvent: {
      sustained: Math.round(sustainedMachineCpu),
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
      sustained: `the highest offered rate both sinks kept up with (≥ ${keepUpShare * 100}% of the acknowledged rate, nothing refused) for ${sustainedSeconds} s, by bisection`,
      burst: `${Math.round(burst.seconds)} s, ${lanes} connections as fast as answered, ${batch} readings a request`,
      'fixed rate': `${fixedRate} readings/s for ${fixedSeconds} s after ${warmUpSeconds} s at that rate to warm up, ${samples.length} readings followed`,
      machine: machineConditions(),
    },
    [
      ['sustained end to end (both sinks kept up)', endToEnd, 'events/s'],
      ...probes.map(
        (p) =>
          [
            `  offered ${p.offered.toLocaleString('en-US')}/s: gateway / normalized / PostgreSQL / ClickHouse`,
            `${p.gatewayAcknowledged} / ${p.normalized} / ${p.postgres} / ${p.clickhouse}${p.keptUp ? '' : ' (fell behind)'}`,
            '/s',
          ] as [string, string, string],
      ),
      ['burst: gateway acknowledged', burst.gatewayAcknowledged, 'events/s'],
      ['  normalized topic', burst.normalized, 'records/s'],
      ['  PostgreSQL rows', burst.postgres, 'rows/s'],
      ['  ClickHouse rows', burst.clickhouse, 'rows/s'],
      ['  backlog drained after the burst in', drainSeconds, 's'],
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
