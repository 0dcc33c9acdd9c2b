/**
 * Telemetry processor throughput against the broker's own tools, in one invocation: Kafka's
 * ProducerPerformance and ConsumerPerformance (from the stack's jars) on the same broker, with as
 * many records as the processor reads and of the processor's own mean raw record size, bound what a
 * consume → produce pipe can reach here (run before and after the processor, their mean taken: the
 * load of a shared machine changes within a run); the processor, as production runs it (`sluice run
 * processor telemetry`, its own process, transactions on: exactly once), over a private raw topic.
 * Also the stages alone (decode → stages → encode, no Kafka) and the dedupe window's memory.
 *
 *   npm run bench processor [events]        (default 1,000,000, the count)
 *   BENCH_CPU_PROFILE=<dir> writes the processor process's CPU profile (node --cpu-prof) there.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { environment, loadSettings } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { DedupeWindow, isDuplicate } from '../processors/runner/dedupe.ts';
import { RecordEvaluator } from '../processors/runner/evaluation.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { TelemetryPipeline } from '../processors/telemetry/telemetry-pipeline.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import { buildLoad, deleteTopics, privateRawTopic, publishLoad } from '../test/telemetry-load.ts';
import { type BrokerFigures, brokerPerformance } from './kafka-tools.ts';
import { startProducer } from './producer-process.ts';
import { machineConditions, ratioRow, report, writeResults } from './report.ts';
import { machineCpuSeconds, peakRssOf, processTrees, stackServerPid } from './resources.ts';

const events = Number(process.argv[2] ?? 1_000_000);
const cpuProfileDir = process.env.BENCH_CPU_PROFILE;
const suffix = uniqueSuffix();
const input = `bench.raw.telemetry.${suffix}`;
const rows: [string, number | string, string][] = [];

function settingsEnv(name: string): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
    PROCESSOR_TELEMETRY_OUTPUT_TOPIC: `bench.normalized.telemetry.${name}.${suffix}`,
    PROCESSOR_TELEMETRY_GROUP_ID: `bench-${name}-${suffix}`,
    PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: `bench-${name}-${suffix}`,
    PROCESSOR_TELEMETRY_TRANSACTIONS: 'true',
  };
}

const settingsFor = (name: string) =>
  loadSettings(telemetrySettings, { ...process.env, ...settingsEnv(name) });

async function endOffsets(kafka: ReturnType<typeof createKafka>): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(input);
  await admin.disconnect();
  return new Map(offsets.filter((o) => Number(o.high) > 0).map((o) => [o.partition, Number(o.high)]));
}

interface ProcessorRun {
  eventsPerSecond: number;
  outputTopic: string;
  /** CPU µs per event, 20–90% committed: the processor, the broker, both, the whole machine. */
  cpuMicrosPerEvent: { processor: number; kafka: number; involved: number; machine: number };
  peakRssMiB: number;
  wallSeconds: number;
}

/**
 * `sluice run processor telemetry` in its own process until the group committed every offset;
 * the rate and CPU are taken between 20% and 90% committed (group join, the start of every
 * partition's transactional producer and the last partial batches stay out of it).
 */
async function runProcessor(kafka: ReturnType<typeof createKafka>): Promise<ProcessorRun> {
  const name = 'txn';
  const settings = settingsEnv(name);
  const until = await endOffsets(kafka);
  const total = [...until.values()].reduce((sum, offset) => sum + offset, 0);
  const kafkaPid = stackServerPid('kafka');
  const started = performance.now();
  const child = startProducer(
    'processor',
    settings,
    ['telemetry'],
    cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
  );
  const pid = child.pid as number;
  const admin = kafka.admin();
  await admin.connect();
  const samples: { at: number; committed: number; processor: number; kafka: number; machine: number }[] = [];
  let peakRss = 0;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the processor exited with ${child.exitCode}`);
      const [offsets] = await admin.fetchOffsets({
        groupId: settings.PROCESSOR_TELEMETRY_GROUP_ID as string,
        topics: [input],
      });
      const committed = (offsets?.partitions ?? []).reduce(
        (sum, { offset }) => sum + Math.max(0, Number(offset)),
        0,
      );
      const [processorTree, kafkaTree] = processTrees(kafkaPid ? [pid, kafkaPid] : [pid]);
      samples.push({
        at: performance.now(),
        committed,
        processor: processorTree?.cpuSeconds ?? 0,
        kafka: kafkaTree?.cpuSeconds ?? 0,
        machine: machineCpuSeconds(),
      });
      peakRss = Math.max(peakRss, peakRssOf(pid));
      if (committed >= total) break;
      if (performance.now() - started > 300_000)
        throw new Error(`only ${committed} of ${total} committed in 5 min`);
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
    }
  } finally {
    await admin.disconnect();
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGTERM');
    await exited;
  }
  const from = samples.find((sample) => sample.committed >= 0.2 * total);
  const to = samples.find((sample) => sample.committed >= 0.9 * total);
  if (!from || !to || from === to) throw new Error('too few progress samples to time the processor');
  const counted = to.committed - from.committed;
  const perEvent = (seconds: number) => Math.round(((seconds * 1e6) / counted) * 10) / 10;
  return {
    eventsPerSecond: Math.round(counted / ((to.at - from.at) / 1000)),
    outputTopic: settings.PROCESSOR_TELEMETRY_OUTPUT_TOPIC as string,
    cpuMicrosPerEvent: {
      processor: perEvent(to.processor - from.processor),
      kafka: perEvent(to.kafka - from.kafka),
      involved: perEvent(to.processor - from.processor + to.kafka - from.kafka),
      machine: perEvent(to.machine - from.machine),
    },
    peakRssMiB: Math.round(peakRss / 2 ** 20),
    wallSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

/** The stages alone: decode, validate → score, encode, dedupe; the ceiling Kafka I/O takes its share of. */
function stagesOnly(serde: AvroSerde, encoded: Buffer[]): number {
  const settings = settingsFor('stages');
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
  return Math.round(encoded.length / ((performance.now() - started) / 1000));
}

/** JavaScript heap plus ArrayBuffer memory (the window's typed arrays live outside the heap). */
function memoryAfterGc(gc: () => void): number {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function windowMemory(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const ids = 1_000_000;
  const before = memoryAfterGc(gc);
  const window = new DedupeWindow(ids, 3_600_000);
  for (let i = 0; i < ids; i++) window.admit(buildId(i), i, 0);
  if (window.size !== ids) throw new Error(`the window holds ${window.size} ids, not ${ids}`);
  return Math.round((memoryAfterGc(gc) - before) / 2 ** 20);
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

const encoded = load.events.map((event) => serde.encode(input, event));
const recordBytes = Math.round(encoded.reduce((sum, value) => sum + value.length, 0) / encoded.length);
const created = [input, `dlq.${input}`];
let brokerBefore: BrokerFigures;
let brokerAfter: BrokerFigures;
let processor: ProcessorRun;
let stagesRate: number;
try {
  stagesRate = stagesOnly(serde, encoded);
  // the peer before and after the processor: on a shared machine the load changes within a run
  const peer = (when: string) => {
    process.stderr.write(
      `Kafka's ProducerPerformance and ConsumerPerformance ${when}, ${encoded.length} records of ${recordBytes} B…\n`,
    );
    return brokerPerformance(kafka, environment().KAFKA_BROKERS ?? '', {
      topic: `bench.kafka-perf.${when}.${suffix}`,
      records: encoded.length,
      recordBytes,
    });
  };
  brokerBefore = await peer('before');
  process.stderr.write('the processor, its own process…\n');
  processor = await runProcessor(kafka);
  created.push(processor.outputTopic);
  brokerAfter = await peer('after');
} finally {
  await deleteTopics(kafka, created);
}
const windowMiB = windowMemory();

const settings = settingsFor('report');
const pipeBound = Math.round((brokerBefore.pipeBound + brokerAfter.pipeBound) / 2);
const ratio = processor.eventsPerSecond / pipeBound;
const peerMachineMicros = (tool: 'producerCost' | 'consumerCost') =>
  Math.round(
    (((brokerBefore[tool].machineCpuSeconds + brokerAfter[tool].machineCpuSeconds) * 1e6) /
      (brokerBefore.records + brokerAfter.records)) *
      10,
  ) / 10;
const beforeAndAfter = (tool: 'producer' | 'consumer' | 'pipeBound') =>
  `${brokerBefore[tool].toLocaleString('en-US')} / ${brokerAfter[tool].toLocaleString('en-US')}`;
rows.push(
  [
    'Kafka ProducerPerformance (acks=all, idempotent), before / after',
    beforeAndAfter('producer'),
    'records/s',
  ],
  ['Kafka ConsumerPerformance, before / after', beforeAndAfter('consumer'), 'records/s'],
  [
    'consume → produce pipe bound (harmonic of the two), before / after',
    beforeAndAfter('pipeBound'),
    'records/s',
  ],
  ['pipe bound, mean of before and after', pipeBound, 'records/s'],
  ['processor, transactions on, 20–90% committed', processor.eventsPerSecond, 'events/s'],
  ratioRow('processor ÷ pipe bound (exactly once)', ratio, 0.75),
  ['machine CPU per record, ProducerPerformance (all processes)', peerMachineMicros('producerCost'), 'µs'],
  ['machine CPU per record, ConsumerPerformance (all processes)', peerMachineMicros('consumerCost'), 'µs'],
  ['machine CPU per event, processor run (all processes)', processor.cpuMicrosPerEvent.machine, 'µs'],
  ['CPU per event, processor + Kafka broker', processor.cpuMicrosPerEvent.involved, 'µs'],
  ['CPU per event, processor process', processor.cpuMicrosPerEvent.processor, 'µs'],
  ['CPU per event, Kafka broker (serving the processor)', processor.cpuMicrosPerEvent.kafka, 'µs'],
  ['peak RSS, processor process', processor.peakRssMiB, 'MiB'],
  [
    'peak RSS, ProducerPerformance JVM',
    Math.max(brokerBefore.producerCost.peakMiB, brokerAfter.producerCost.peakMiB),
    'MiB',
  ],
  [
    'peak RSS, ConsumerPerformance JVM',
    Math.max(brokerBefore.consumerCost.peakMiB, brokerAfter.consumerCost.peakMiB),
    'MiB',
  ],
  ['processor wall time incl. start, group join, window restore', processor.wallSeconds, 's'],
  ['stages only (decode, 5 stages, encode), one core, no Kafka', stagesRate, 'events/s'],
  ['dedupe window memory per million 32-hex-char ids (heap + typed arrays)', windowMiB, 'MiB'],
);
const conditions = {
  input: `${load.events.length} raw events (5% re-sent, 2% invalid), 6 partitions, Avro in and out, mean ${recordBytes} B a record`,
  peer: `Kafka's tools, ${encoded.length} records of ${recordBytes} B (the processor's mean raw record), same broker, run before and after the processor`,
  processor: `\`sluice run processor telemetry\`, its own process, transactions on, fetch ≤ ${settings.maxBytesPerPartition} B a partition, ${settings.concurrency} partitions in parallel, ${settings.threads} pipeline threads`,
  machine: `${machineConditions()} (shared: compare ratios, not absolutes)`,
};
report("Telemetry processor vs Kafka's own producer and consumer", conditions, rows);
writeResults('processor', {
  conditions,
  brokerBefore,
  brokerAfter,
  pipeBound,
  processor,
  ratio,
  stagesRate,
  windowMiB,
});
process.exit(0);
