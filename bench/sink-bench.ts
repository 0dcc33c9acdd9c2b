import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import { nodeFlagsOf } from '../lib/component.ts';
import { environment } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { dlqContract } from '../schemas/catalog.ts';
import { type BatchingSinkOptions, createBatchingSink } from '../sinks/batching-sink.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings } from '../sinks/fixtures.ts';
import { uniqueSuffix, waitFor } from '../test/support.ts';
import { deleteTopics } from '../test/telemetry-load.ts';
import { spawnCompiled } from './producer-process.ts';
import {
  cpuSecondsOf,
  machineCpuSeconds,
  peakRssOf,
  processTrees,
  runningStackServerPid,
  type StackServer,
} from './resources.ts';

export interface SinkBenchPlan {
  /** `sluice run sink <command>`, and the benchmark's name (`<command>-sink`). */
  command: 'clickhouse' | 'postgres';
  events: number;
  /** The settings (as environment variables) that point the sink at a private topic and group. */
  env(topic: string, groupId: string): Record<string, string>;
  /** Builds the sink's parts from those settings. */
  options(env: Record<string, string | undefined>): BatchingSinkOptions;
  /** Sum of the next offsets the destination holds for the topic (all consumed when it equals events). */
  storedOffsets(topic: string): Promise<number>;
  conditions: Record<string, string>;
  /** The stack's servers the sink loads through besides itself. */
  servers: StackServer[];
  /** Source time of the first reading (default: normalizedReadings' own). */
  readingsStartMs?: number;
  /** Separate sink processes when BENCH_SINK_PROCESSES does not say (default: one per core; 0 skips them). */
  processes?: number;
  /** Whether the destination's background work on what it loaded has ended: then each load is timed until it has. */
  settled?(): Promise<boolean>;
  /** Empties the destination's tables, so that each load starts on empty ones. */
  empty?(): Promise<void>;
}

export type Figure = [string, string, string];

/** What loading a span of rows cost. */
export interface SpanFigures {
  rowsPerSecond: number;
  /** CPU of the loading processes (the component alone) per row. */
  cpuMicrosecondsPerRow: number;
  /** CPU of the loading processes plus the stack's servers involved per row. */
  involvedCpuMicrosecondsPerRow: number;
  /** CPU of the whole machine per row, whoever used it (other work included). */
  machineCpuMicrosecondsPerRow: number;
  /** Each involved server's share of that CPU per row. */
  serverCpuMicrosecondsPerRow: Partial<Record<StackServer, number>>;
}

/** What a load cost: between 20% and 90% loaded (the steady state), and from its start to the last row. */
export interface LoadFigures extends SpanFigures {
  seconds: number;
  wholeLoad: SpanFigures;
  /** From its start until the destination's background work it set off (merges) ended, where the load says when. */
  settled?: SpanFigures & { seconds: number };
}

export interface TimedLoad {
  label: string;
  events: number;
  /** Rows the destination holds so far. */
  loaded(): Promise<number>;
  /** CPU seconds the loading processes used so far. */
  cpuSeconds(): number;
  servers: StackServer[];
  /** Whether the destination's background work on the loaded rows has ended (asked after the last row). */
  settled?(): Promise<boolean>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** A private topic holding `events` normalized readings (published before any timing starts). */
async function loadedTopic(kafka: Kafka, plan: SinkBenchPlan): Promise<string> {
  const suffix = uniqueSuffix();
  const topic = `bench.normalized.telemetry.${suffix}`;
  const { serde, producer } = await privateTelemetryTopic(kafka, topic);
  process.stderr.write(`publishing ${plan.events} events to ${topic}…\n`);
  await publishReadings(
    producer,
    serde,
    topic,
    normalizedReadings(plan.events, {
      prefix: `bench-${suffix}`,
      devices: 500,
      startMs: plan.readingsStartMs,
    }),
    10_000,
  );
  await producer.disconnect();
  return topic;
}

/** The sink in this process: rows/s, CPU per event, per-batch write latency, peak RSS. */
async function inProcess(plan: SinkBenchPlan, topic: string): Promise<Figure[]> {
  const options = plan.options({ ...environment(), ...plan.env(topic, `bench-${topic}`) });
  const latencies: number[] = [];
  const { writer } = options;
  const timedWriter: typeof writer = {
    open: () => writer.open(),
    storedOffsets: (t, partitions) => writer.storedOffsets(t, partitions),
    close: (outcome) => writer.close(outcome),
    encode: writer.encode?.bind(writer),
    write: async (records, offsets) => {
      const began = performance.now();
      await writer.write(records, offsets);
      latencies.push(performance.now() - began);
    },
  };
  const sink = createBatchingSink({ ...options, writer: timedWriter });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  await sink.start();
  const timing = await timeLoad({
    label: 'one process',
    events: plan.events,
    loaded: () => plan.storedOffsets(topic),
    // the whole process (sink and the bench's polling): judged per event, wall clock is shared with others
    cpuSeconds: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
    servers: plan.servers,
    settled: plan.settled,
  });
  clearInterval(sampler);
  await sink.stop(Date.now() + 10_000);
  latencies.sort((a, b) => a - b);
  return [
    ['rows loaded', String(sink.plugin.rowsWritten), 'rows'],
    ...timing.figures,
    ['batches', String(latencies.length), ''],
    ['batch write latency p50', percentile(latencies, 50).toFixed(1), 'ms'],
    ['batch write latency p99', percentile(latencies, 99).toFixed(1), 'ms'],
    ['peak RSS', (peakRss / 2 ** 20).toFixed(0), 'MiB'],
  ];
}

/**
 * Waits until the destination holds every row, sampling progress and CPU; the rate and the CPU
 * per row are taken between 20% and 90% loaded, the steady state: start-up, group joins and the
 * last partial batches stay out of it.
 */
export async function timeLoad(load: TimedLoad): Promise<{ figures: Figure[]; load: LoadFigures }> {
  const pids = load.servers.map(runningStackServerPid);
  const samples: {
    at: number;
    loaded: number;
    cpu: number;
    servers: number[];
    involved: number;
    machine: number;
  }[] = [];
  const sample = async (): Promise<number> => {
    const loaded = await load.loaded();
    const cpu = load.cpuSeconds();
    const servers = processTrees(pids).map((tree) => tree.cpuSeconds);
    samples.push({
      at: performance.now(),
      loaded,
      cpu,
      servers,
      involved: servers.reduce((sum, seconds) => sum + seconds, cpu),
      machine: machineCpuSeconds(),
    });
    return loaded;
  };
  await waitFor('every row loaded', async () => (await sample()) >= load.events, 600_000);
  const allLoaded = samples.length;
  const { settled } = load;
  // nothing running for a second (five samples): a merge may start a moment after another ended
  let quiet = 0;
  if (settled)
    await waitFor(
      'the background work on the loaded rows to end',
      async () => {
        quiet = (await settled()) ? quiet + 1 : 0;
        await sample();
        return quiet >= 5;
      },
      300_000,
    );
  const first = samples[0];
  const last = samples[allLoaded - 1];
  const settledSample = settled ? samples.at(-1) : undefined;
  let from = samples.find((s) => s.loaded >= 0.2 * load.events);
  let to = samples.find((s) => s.loaded >= 0.9 * load.events);
  // a loader flushing in large steps (the Kafka engine) may pass both marks at once: then from the start
  if (from === to) [from, to] = [first, last];
  if (!from || !to || !first || !last || to === from)
    throw new Error('too few progress samples to time the load');
  type Sample = (typeof samples)[number];
  const span = (start: Sample, end: Sample): SpanFigures => {
    const rows = end.loaded - start.loaded;
    const perRow = (seconds: number) => Math.round((seconds * 1e8) / rows) / 100;
    return {
      rowsPerSecond: Math.round(rows / ((end.at - start.at) / 1000)),
      cpuMicrosecondsPerRow: perRow(end.cpu - start.cpu),
      involvedCpuMicrosecondsPerRow: perRow(end.involved - start.involved),
      machineCpuMicrosecondsPerRow: perRow(end.machine - start.machine),
      serverCpuMicrosecondsPerRow: Object.fromEntries(
        load.servers.map((server, i) => [server, perRow((end.servers[i] ?? 0) - (start.servers[i] ?? 0))]),
      ),
    };
  };
  const wholeLoad = span(first, last);
  const figures: LoadFigures = {
    seconds: Math.round(last.at - first.at) / 1000,
    ...span(from, to),
    wholeLoad,
    settled: settledSample && {
      ...span(first, settledSample),
      seconds: Math.round(settledSample.at - first.at) / 1000,
    },
  };
  const { label } = load;
  return {
    load: figures,
    figures: [
      [`elapsed (start → all rows), ${label}`, figures.seconds.toFixed(2), 's'],
      [`throughput 20–90% loaded, ${label}`, figures.rowsPerSecond.toLocaleString('en-US'), 'rows/s'],
      [`CPU per row 20–90%, ${label}`, figures.cpuMicrosecondsPerRow.toFixed(2), 'µs'],
      [`  + ${load.servers.join(' + ')}`, figures.involvedCpuMicrosecondsPerRow.toFixed(2), 'µs'],
      ['  whole machine', figures.machineCpuMicrosecondsPerRow.toFixed(2), 'µs'],
      [`throughput start → all rows, ${label}`, wholeLoad.rowsPerSecond.toLocaleString('en-US'), 'rows/s'],
      [`CPU per row start → all rows, ${label}`, wholeLoad.cpuMicrosecondsPerRow.toFixed(2), 'µs'],
      [`  + ${load.servers.join(' + ')}`, wholeLoad.involvedCpuMicrosecondsPerRow.toFixed(2), 'µs'],
      ...load.servers.map(
        (server): Figure => [
          `    of which ${server}`,
          (wholeLoad.serverCpuMicrosecondsPerRow[server] ?? 0).toFixed(2),
          'µs',
        ],
      ),
      ['  whole machine', wholeLoad.machineCpuMicrosecondsPerRow.toFixed(2), 'µs'],
      ...(figures.settled
        ? ([
            [`merges ended, ${label}`, figures.settled.seconds.toFixed(2), 's after start'],
            [
              `CPU per row start → merges ended, ${label} + ${load.servers.join(' + ')}`,
              figures.settled.involvedCpuMicrosecondsPerRow.toFixed(2),
              'µs',
            ],
            ['  whole machine', figures.settled.machineCpuMicrosecondsPerRow.toFixed(2), 'µs'],
          ] satisfies Figure[])
        : []),
    ],
  };
}

/**
 * `processes` copies of `sluice run sink <command>` in one consumer group, as scaled in production
 * (partitions are the unit): rows/s and CPU per event over all of them, peak RSS of the largest.
 * With `BENCH_CPU_PROFILE=<dir>` each writes a `node --cpu-prof` profile there.
 */
async function separateProcesses(
  plan: SinkBenchPlan,
  topic: string,
  processes: number,
): Promise<{ figures: Figure[]; load: SeparateProcessesLoad }> {
  const env = {
    ...process.env,
    ...plan.env(topic, `bench-${topic}`),
    LOG_LEVEL: 'warn',
  };
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const nodeFlags = [
    ...nodeFlagsOf('sink'),
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ];
  const children = Array.from({ length: processes }, () =>
    spawnCompiled(['run', 'sink', plan.command], env, ['ignore', 'inherit', 'inherit'], nodeFlags),
  );
  try {
    const pids = children.map((child) => child.pid as number);
    const label = processes === 1 ? '`sluice run sink`' : `${processes} processes`;
    const timing = await timeLoad({
      label,
      events: plan.events,
      loaded: () => plan.storedOffsets(topic),
      cpuSeconds: () => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
      servers: plan.servers,
      settled: plan.settled,
    });
    const peakRssMiB = Math.round(Math.max(...pids.map(peakRssOf)) / 2 ** 20);
    return {
      load: { ...timing.load, processes, peakRssMiB },
      figures: [
        ...timing.figures,
        [
          processes === 1 ? `peak RSS, ${label}` : `peak RSS of one of the ${processes} processes`,
          String(peakRssMiB),
          'MiB',
        ],
      ],
    };
  } finally {
    for (const child of children) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }
}

export interface SeparateProcessesLoad extends LoadFigures {
  processes: number;
  /** The largest peak RSS (VmHWM) of the processes. */
  peakRssMiB: number;
}

/**
 * Times the sink from start until the destination holds every offset of a private topic of
 * `events` normalized readings: once in this process, then as separate processes sharing the
 * partitions (BENCH_SINK_PROCESSES, by default the plan's or one per core; 0 skips it). Returns
 * the separate processes' figures, for a bench to set its peers against.
 */
export async function runSinkBench(plan: SinkBenchPlan): Promise<SeparateProcessesLoad | undefined> {
  const name = `${plan.command}-sink`;
  const processes = Number(process.env.BENCH_SINK_PROCESSES ?? plan.processes ?? availableParallelism());
  const kafka = createKafka(`bench-${name}`);
  const topics: string[] = [];
  const figures: Figure[] = [];
  let separate: SeparateProcessesLoad | undefined;
  try {
    topics.push(await loadedTopic(kafka, plan));
    figures.push(...(await inProcess(plan, topics[0] as string)));
    if (processes > 0) {
      await plan.empty?.();
      topics.push(await loadedTopic(kafka, plan));
      const run = await separateProcesses(plan, topics[1] as string, processes);
      figures.push(...run.figures);
      separate = run.load;
    }
  } finally {
    await deleteTopics(kafka, [...topics, ...topics.map((topic) => dlqContract(topic).topic)]);
  }
  const lines = [
    `\n${name} benchmark — ${Object.entries({ events: String(plan.events), ...plan.conditions })
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
    `${'metric'.padEnd(48)} ${'value'.padStart(12)}  unit`,
    ...figures.map(([metric, value, unit]) => `${metric.padEnd(48)} ${value.padStart(12)}  ${unit}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return separate;
}
