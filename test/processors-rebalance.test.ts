import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { loadSettings } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import type { Processor } from '../processors/runner/processor.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { createTelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
import { dlqContract, readSchema, topics } from '../schemas/catalog.ts';
import type { TelemetryReading } from '../schemas/types.ts';
import { uniqueSuffix } from './support.ts';
import {
  buildLoad,
  committedCount,
  deleteTopics,
  privateRawTopic,
  publishLoad,
  readAll,
} from './telemetry-load.ts';

const suffix = uniqueSuffix();
const input = `test.raw.telemetry.rb.${suffix}`;
const output = `test.normalized.telemetry.rb.${suffix}`;
const groupId = `test-rebalance-${suffix}`;
const fencedInput = `test.raw.telemetry.fence.${suffix}`;
const fencedOutput = `test.normalized.telemetry.fence.${suffix}`;
const fencedGroupId = `test-fence-${suffix}`;

function instance(name: string, topic = input, outputTopic = output, group = groupId): Processor {
  const settings = loadSettings(telemetrySettings, {
    PROCESSOR_TELEMETRY_INPUT_TOPIC: topic,
    PROCESSOR_TELEMETRY_OUTPUT_TOPIC: outputTopic,
    PROCESSOR_TELEMETRY_GROUP_ID: group,
    PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: group,
    PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: '6000',
    PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: '500',
    // small batches, so partitions move while work is in flight
    PROCESSOR_TELEMETRY_MAX_BYTES_PER_PARTITION: '16384',
  });
  return createTelemetryProcessor({ settings, component: `rebalance-${name}` });
}

async function waitUntil(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, what);
    await sleep(100);
  }
}

describe('telemetry processor: scaling out and in', () => {
  let kafka: Kafka;
  let serde: AvroSerde;

  before(async () => {
    kafka = createKafka('rebalance-test');
    serde = new AvroSerde(createRegistryClient());
    for (const [raw, normalized] of [
      [input, output],
      [fencedInput, fencedOutput],
    ] as const) {
      await privateRawTopic(kafka, serde, raw);
      await serde.register({ ...topics.normalizedTelemetry, topic: normalized });
      await serde.register(dlqContract(raw), readSchema('dlq.v1.avsc'));
    }
  });

  /** The normalized topic holds each valid reading exactly once. */
  async function assertEveryValidReadingOnce(topic: string, validIds: Set<string>): Promise<void> {
    const readings = await readAll(
      kafka,
      topic,
      (value) => serde.decodeSync<TelemetryReading>(topic, value).value,
    );
    assert.equal(readings.length, validIds.size);
    assert.deepEqual(new Set(readings.map((reading) => reading.eventId)), validIds);
  }

  after(async () => {
    await deleteTopics(kafka, [
      input,
      output,
      `dlq.${input}`,
      fencedInput,
      fencedOutput,
      `dlq.${fencedInput}`,
    ]);
  });

  it('a second instance joins mid-run and the first leaves mid-run: every reading exactly once', async () => {
    const load = buildLoad({ unique: 28_000, duplicates: 1_500, invalid: 500, devicePrefix: `rb-${suffix}` });
    // half now, half once the second instance holds partitions: both have work however fast the first is
    const half = load.events.length / 2;
    const producer = createProducer(kafka);
    await producer.connect();
    await publishLoad(producer, serde, input, load.events.slice(0, half));

    const first = instance('a');
    await first.start();
    const progress = () => committedCount(kafka, groupId, input);
    await waitUntil('the first instance did not start', async () => (await progress()) >= 5_000);
    const second = instance('b');
    await second.start();
    await waitUntil('the second instance did not join', () => second.health().state === 'ready');
    await publishLoad(producer, serde, input, load.events.slice(half));
    await producer.disconnect();
    await waitUntil('the second instance did no work', () => second.plugin.totals().processed > 0);
    await first.stop(Date.now() + 15_000);
    await waitUntil(
      'the remaining instance did not finish',
      async () => (await progress()) >= load.events.length,
    );
    await second.stop(Date.now() + 15_000);
    assert.ok(first.plugin.totals().processed > 0 && second.plugin.totals().processed > 0, 'both did work');

    await assertEveryValidReadingOnce(output, load.validIds);
  });

  it('producers fenced mid-run (a successor took their transactional ids): every reading exactly once', async () => {
    const load = buildLoad({
      unique: 14_000,
      duplicates: 700,
      invalid: 300,
      devicePrefix: `fence-${suffix}`,
    });
    const producer = createProducer(kafka);
    await producer.connect();
    await publishLoad(producer, serde, fencedInput, load.events);
    await producer.disconnect();
    const processor = instance('fenced', fencedInput, fencedOutput, fencedGroupId);
    await processor.start();
    const progress = () => committedCount(kafka, fencedGroupId, fencedInput);
    await waitUntil('the processor did not start', async () => (await progress()) >= 2_000);
    // what a new owner of the partitions does first: its transactions abort and fence the running ones
    for (let partition = 0; partition < 6; partition++) {
      const successor = createProducer(kafka, {
        transactionalId: `${fencedGroupId}-${fencedInput}-${partition}`,
      });
      await successor.connect();
      await (await successor.transaction()).abort();
      await successor.disconnect();
    }
    await waitUntil(
      'the processor did not finish after being fenced',
      async () => (await progress()) >= load.events.length,
    );
    await processor.stop(Date.now() + 15_000);

    await assertEveryValidReadingOnce(fencedOutput, load.validIds);
    const letters = await readAll(kafka, `dlq.${fencedInput}`, (value) => value);
    assert.equal(letters.length, load.invalidIds.size);
  });
});
