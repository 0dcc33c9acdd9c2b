import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { loadSettings } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { TelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
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

function instance(name: string): TelemetryProcessor {
  const settings = loadSettings(telemetrySettings, {
    PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
    PROCESSOR_TELEMETRY_OUTPUT_TOPIC: output,
    PROCESSOR_TELEMETRY_GROUP_ID: groupId,
    PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: groupId,
    PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: '6000',
    PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: '500',
    // small batches, so partitions move while work is in flight
    PROCESSOR_TELEMETRY_MAX_BYTES_PER_PARTITION: '16384',
  });
  return new TelemetryProcessor({ settings, component: `rebalance-${name}` });
}

describe('telemetry processor: scaling out and in', () => {
  let kafka: Kafka;
  let serde: AvroSerde;

  before(async () => {
    kafka = createKafka('rebalance-test');
    serde = new AvroSerde(createRegistryClient());
    await privateRawTopic(kafka, serde, input);
    await serde.register({ ...topics.normalizedTelemetry, topic: output });
    await serde.register(dlqContract(input), readSchema('dlq.v1.avsc'));
  });

  after(async () => {
    await deleteTopics(kafka, [input, output, `dlq.${input}`]);
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
    const waitUntil = async (what: string, done: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 90_000;
      while (!(await done())) {
        assert.ok(Date.now() < deadline, what);
        await sleep(100);
      }
    };
    await waitUntil('the first instance did not start', async () => (await progress()) >= 5_000);
    const second = instance('b');
    await second.start();
    await waitUntil('the second instance did not join', () => second.runner.health().state === 'ready');
    await publishLoad(producer, serde, input, load.events.slice(half));
    await producer.disconnect();
    await waitUntil('the second instance did no work', () => second.runner.totals().processed > 0);
    await first.stop(Date.now() + 15_000);
    await waitUntil(
      'the remaining instance did not finish',
      async () => (await progress()) >= load.events.length,
    );
    await second.stop(Date.now() + 15_000);
    assert.ok(first.runner.totals().processed > 0 && second.runner.totals().processed > 0, 'both did work');

    const readings = await readAll(
      kafka,
      output,
      (value) => serde.decodeSync<TelemetryReading>(output, value).value,
    );
    assert.equal(readings.length, load.validIds.size);
    assert.deepEqual(new Set(readings.map((reading) => reading.eventId)), load.validIds);
  });
});
