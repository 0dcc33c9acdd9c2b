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
    const producer = createProducer(kafka);
    await producer.connect();
    await publishLoad(producer, serde, input, load.events);
    await producer.disconnect();

    const first = instance('a');
    await first.start();
    const progress = () => committedCount(kafka, groupId, input);
    while ((await progress()) < 5_000) await sleep(100);
    const second = instance('b');
    await second.start();
    while ((await progress()) < 15_000) await sleep(100);
    await first.stop(Date.now() + 15_000);
    const deadline = Date.now() + 90_000;
    while ((await progress()) < load.events.length) {
      assert.ok(Date.now() < deadline, 'the remaining instance did not finish');
      await sleep(200);
    }
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
