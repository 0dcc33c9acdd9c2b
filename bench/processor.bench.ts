/**
 * Telemetry processor throughput on the local stack: one Node process, Avro in and out, the broker
 * on the same machine. Runs the processor over a private raw topic with transactions on, then off,
 * measures the stages alone (decode → stages → encode, no Kafka), and the dedupe window's memory.
 *
 *   node --import tsx bench/processor.bench.ts [events]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadSettings } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { DedupeWindow, isDuplicate } from '../processors/runner/dedupe.ts';
import { RecordEvaluator } from '../processors/runner/evaluation.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { TelemetryPipeline } from '../processors/telemetry/telemetry-pipeline.ts';
import { createTelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import { buildLoad, deleteTopics, privateRawTopic, publishLoad } from '../test/telemetry-load.ts';

const events = Number(process.argv[2] ?? 200_000);
const suffix = uniqueSuffix();
const input = `bench.raw.telemetry.${suffix}`;
const rows: [string, string, string][] = [];

function settingsFor(name: string, transactions: boolean) {
  return loadSettings(telemetrySettings, {
    ...process.env,
    LOG_LEVEL: 'warn',
    PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
    PROCESSOR_TELEMETRY_OUTPUT_TOPIC: `bench.normalized.telemetry.${name}.${suffix}`,
    PROCESSOR_TELEMETRY_GROUP_ID: `bench-${name}-${suffix}`,
    PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: `bench-${name}-${suffix}`,
    PROCESSOR_TELEMETRY_TRANSACTIONS: String(transactions),
  });
}

async function endOffsets(kafka: ReturnType<typeof createKafka>): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(input);
  await admin.disconnect();
  return new Map(offsets.filter((o) => Number(o.high) > 0).map((o) => [o.partition, Number(o.high)]));
}

/** Events per second from the first committed batch to the last (group join and startup excluded). */
async function runProcessor(kafka: ReturnType<typeof createKafka>, name: string, transactions: boolean) {
  let firstAt = 0;
  let firstCount = 0;
  let lastAt = 0;
  let lastCount = 0;
  let firstCpu: NodeJS.CpuUsage | undefined;
  let lastCpu: NodeJS.CpuUsage | undefined;
  const processor = createTelemetryProcessor({
    settings: settingsFor(name, transactions),
    component: `bench-${name}`,
    until: await endOffsets(kafka),
    onProgress: ({ processed }) => {
      if (firstAt === 0) {
        firstAt = performance.now();
        firstCount = processed;
        firstCpu = process.cpuUsage();
      }
      lastAt = performance.now();
      lastCount = processed;
      lastCpu = process.cpuUsage(firstCpu);
    },
  });
  const started = performance.now();
  await processor.start();
  await processor.plugin.finished;
  const wall = (performance.now() - started) / 1000;
  const rss = process.memoryUsage().rss;
  await processor.stop(Date.now() + 10_000);
  const rate = (lastCount - firstCount) / ((lastAt - firstAt) / 1000);
  const cpuSeconds = lastCpu ? (lastCpu.user + lastCpu.system) / 1e6 : Number.NaN;
  rows.push([`throughput, transactions ${transactions ? 'on' : 'off'}`, rate.toFixed(0), 'events/s']);
  rows.push([
    `events per CPU-second of this process, transactions ${transactions ? 'on' : 'off'}`,
    ((lastCount - firstCount) / cpuSeconds).toFixed(0),
    'events/CPU-s',
  ]);
  rows.push([
    `wall time incl. start and group join, transactions ${transactions ? 'on' : 'off'}`,
    wall.toFixed(1),
    's',
  ]);
  rows.push([
    `process RSS after run, transactions ${transactions ? 'on' : 'off'}`,
    (rss / 2 ** 20).toFixed(0),
    'MiB',
  ]);
  return `bench.normalized.telemetry.${name}.${suffix}`;
}

/** The stages alone: decode, validate → score, encode, dedupe; the ceiling Kafka I/O takes its share of. */
function stagesOnly(serde: AvroSerde, encoded: Buffer[]): void {
  const settings = settingsFor('stages', true);
  const records = new RecordEvaluator(
    new TelemetryPipeline(settings, () => undefined),
    serde,
    topics.normalizedTelemetry.topic,
  );
  const window = new DedupeWindow(settings.dedupeWindowEvents, settings.dedupeWindowMs);
  const started = performance.now();
  let offset = 0;
  for (const value of encoded) {
    const meta = { topic: input, partition: 0, offset, timestamp: 1_763_709_330_400 + offset };
    const evaluated = records.evaluateSync(value, meta);
    if (evaluated?.eventId !== undefined) isDuplicate(evaluated.eventId, meta, window);
    offset += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  rows.push([
    'stages only (decode, 5 stages, encode), one core',
    (encoded.length / seconds).toFixed(0),
    'events/s',
  ]);
}

/** JavaScript heap plus ArrayBuffer memory (the window's typed arrays live outside the heap). */
function memoryAfterGc(gc: () => void): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function windowMemory(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const ids = 1_000_000;
  const before = memoryAfterGc(gc);
  const window = new DedupeWindow(ids, 3_600_000);
  for (let i = 0; i < ids; i++) window.admit(buildId(i), i, 0);
  const after = memoryAfterGc(gc);
  rows.push([
    'dedupe window memory per million ids (32-hex-char ids, heap + typed arrays)',
    ((after - before) / 2 ** 20).toFixed(0),
    'MiB',
  ]);
  rows.push(['dedupe window ids held', String(window.size), 'ids']);
}

function buildId(i: number): string {
  return (i * 2654435761).toString(16).padStart(16, '0').slice(-16) + i.toString(16).padStart(16, '0');
}

const kafka = createKafka('processor-bench');
const serde = new AvroSerde(createRegistryClient());
await privateRawTopic(kafka, serde, input);
await serde.register(topics.normalizedTelemetry);
const load = buildLoad({
  unique: Math.round(events * 0.93),
  duplicates: Math.round(events * 0.05),
  invalid: Math.round(events * 0.02),
  devicePrefix: `bench-${suffix}`,
});
const producer = createProducer(kafka);
await producer.connect();
process.stderr.write(`publishing ${load.events.length} raw events to ${input}…\n`);
await publishLoad(producer, serde, input, load.events);
await producer.disconnect();

const created = [input, `dlq.${input}`];
try {
  stagesOnly(
    serde,
    load.events.map((event) => serde.encode(input, event)),
  );
  created.push(await runProcessor(kafka, 'txn', true));
  created.push(await runProcessor(kafka, 'notxn', false));
  windowMemory();
} finally {
  await deleteTopics(kafka, created);
}

const settings = settingsFor('report', true);
process.stdout.write(
  [
    '',
    `Telemetry processor benchmark: ${load.events.length} raw events (5% re-sent, 2% invalid), 6 partitions,`,
    `Avro in and out, one Node process, fetch ≤ ${settings.maxBytesPerPartition} B per partition (one transaction per partition batch),`,
    `${settings.concurrency} partitions in parallel, ${settings.threads} pipeline threads, broker on the same machine (${(await import('node:os')).cpus().length} cores).`,
    '',
    `${'metric'.padEnd(72)} ${'value'.padStart(10)}  unit`,
    ...rows.map(([metric, value, unit]) => `${metric.padEnd(72)} ${value.padStart(10)}  ${unit}`),
    '',
  ].join('\n'),
);
process.exit(0);
