import { performance } from 'node:perf_hooks';
import { createKafka } from '../lib/kafka.ts';
import { dlqContract } from '../schemas/catalog.ts';
import { BatchingSink, type BatchingSinkOptions } from '../sinks/batching-sink.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings, waitFor } from '../sinks/fixtures.ts';
import { uniqueSuffix } from '../test/support.ts';
import { deleteTopics } from '../test/telemetry-load.ts';

export interface SinkBenchPlan {
  name: string;
  events: number;
  /** Builds the sink's parts for a private topic and consumer group. */
  options(topic: string, groupId: string): BatchingSinkOptions;
  /** Sum of the next offsets the destination holds for the topic (all consumed when it equals events). */
  storedOffsets(topic: string): Promise<number>;
  conditions: Record<string, string>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Publishes `events` normalized readings to a private topic (not timed), then times the sink
 * from start until the destination holds every offset: rows/s, per-batch write latency, peak RSS.
 */
export async function runSinkBench(plan: SinkBenchPlan): Promise<void> {
  const suffix = uniqueSuffix();
  const topic = `bench.normalized.telemetry.${suffix}`;
  const kafka = createKafka(`bench-${plan.name}`);
  const { serde, producer } = await privateTelemetryTopic(kafka, topic);
  process.stderr.write(`publishing ${plan.events} events to ${topic}…\n`);
  await publishReadings(
    producer,
    serde,
    topic,
    normalizedReadings(plan.events, { prefix: `bench-${suffix}`, devices: 500 }),
    10_000,
  );
  await producer.disconnect();

  const options = plan.options(topic, `bench-${plan.name}-${suffix}`);
  const latencies: number[] = [];
  const { writer } = options;
  const timedWriter: typeof writer = {
    open: () => writer.open(),
    storedOffsets: (t, partitions) => writer.storedOffsets(t, partitions),
    close: (outcome) => writer.close(outcome),
    write: async (records, offsets) => {
      const began = performance.now();
      await writer.write(records, offsets);
      latencies.push(performance.now() - began);
    },
  };
  const sink = new BatchingSink({ ...options, writer: timedWriter });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const cpuBefore = process.cpuUsage();
  await sink.start();
  const began = performance.now();
  await waitFor('every event loaded', async () => (await plan.storedOffsets(topic)) >= plan.events, 120_000);
  const seconds = (performance.now() - began) / 1000;
  // the whole process (sink and the bench's polling): judged per event, wall clock is shared with others
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMicros = cpu.user + cpu.system;
  clearInterval(sampler);
  await sink.stop(Date.now() + 10_000);
  await deleteTopics(kafka, [topic, dlqContract(topic).topic]);

  latencies.sort((a, b) => a - b);
  const figures: [string, string, string][] = [
    ['rows loaded', String(sink.rowsWritten), 'rows'],
    ['elapsed (start → all offsets stored)', seconds.toFixed(2), 's'],
    ['throughput', Math.round(plan.events / seconds).toLocaleString('en-US'), 'rows/s'],
    ['CPU time per event', (cpuMicros / plan.events).toFixed(2), 'µs'],
    ['events per CPU-second', Math.round(plan.events / (cpuMicros / 1e6)).toLocaleString('en-US'), 'rows'],
    ['batches', String(latencies.length), ''],
    ['batch write latency p50', percentile(latencies, 50).toFixed(1), 'ms'],
    ['batch write latency p99', percentile(latencies, 99).toFixed(1), 'ms'],
    ['peak RSS', (peakRss / 2 ** 20).toFixed(0), 'MiB'],
  ];
  const lines = [
    `\n${plan.name} benchmark — ${Object.entries({ events: String(plan.events), ...plan.conditions })
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
    `${'metric'.padEnd(40)} ${'value'.padStart(12)}  unit`,
    ...figures.map(([metric, value, unit]) => `${metric.padEnd(40)} ${value.padStart(12)}  ${unit}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
