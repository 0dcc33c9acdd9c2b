import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { dlqContract, readSchema, topics } from '../schemas/catalog.ts';
import type { DeadLetter, RawTelemetryReading, TelemetryReading } from '../schemas/types.ts';
import { sluice, uniqueSuffix } from './support.ts';
import { buildLoad, deleteTopics, privateRawTopic, publishLoad, readAll } from './telemetry-load.ts';

const suffix = uniqueSuffix();
const input = `test.raw.telemetry.cli.${suffix}`;
const output = `test.normalized.telemetry.cli.${suffix}`;
const dlq = `dlq.${input}`;
const env = {
  LOG_LEVEL: 'warn',
  PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
  PROCESSOR_TELEMETRY_OUTPUT_TOPIC: output,
};

describe('sluice reprocess and sluice dlq replay', () => {
  let kafka: Kafka;
  let serde: AvroSerde;

  before(async () => {
    kafka = createKafka('processors-cli-test');
    serde = new AvroSerde(createRegistryClient());
    await privateRawTopic(kafka, serde, input);
    await serde.register({ ...topics.normalizedTelemetry, topic: output });
    await serde.register(dlqContract(input), readSchema('dlq.v1.avsc'));
  });

  after(async () => {
    await deleteTopics(kafka, [input, output, dlq]);
  });

  it('reprocesses a raw topic from the earliest offset, then replays selected dead letters to it', async () => {
    const load = buildLoad({ unique: 280, duplicates: 10, invalid: 16, devicePrefix: `cli-${suffix}` });
    const producer = createProducer(kafka);
    await producer.connect();
    await publishLoad(producer, serde, input, load.events);
    await producer.disconnect();

    const reprocessed = sluice(['reprocess', '--from', 'earliest'], env);
    assert.equal(reprocessed.status, 0, reprocessed.stderr);
    assert.match(reprocessed.stderr, /306 records: 280 normalized, 16 to the DLQ, 10 duplicates/);
    const readings = await readAll(
      kafka,
      output,
      (value) => serde.decodeSync<TelemetryReading>(output, value).value,
    );
    assert.deepEqual(new Set(readings.map((r) => r.eventId)), load.validIds);
    assert.equal(readings.length, 280);

    const letters = await readAll(kafka, dlq, (value) => serde.decodeSync<DeadLetter>(dlq, value).value);
    const unknownUnits = letters.filter((letter) => letter.reasonCode === 'unit_unknown');
    assert.equal(unknownUnits.length, 2);

    const dryRun = sluice(['dlq', 'replay', '--topic', dlq, '--reason', 'unit_unknown', '--dry-run'], env);
    assert.equal(dryRun.status, 0, dryRun.stderr);
    assert.match(dryRun.stderr, /16 dead letters scanned, 2 selected, 0 re-published \(dry run\)/);

    const replayed = sluice(['dlq', 'replay', '--topic', dlq, '--reason', 'unit_unknown'], env);
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.match(replayed.stderr, /2 re-published/);
    const raw = await readAll(
      kafka,
      input,
      (value) => serde.decodeSync<RawTelemetryReading>(input, value).value,
    );
    assert.equal(raw.length, load.events.length + 2);
    const rejectedIds = unknownUnits.map(
      (letter) => serde.decodeSync<RawTelemetryReading>(input, letter.value).value.eventId,
    );
    for (const id of rejectedIds) {
      assert.equal(raw.filter((reading) => reading.eventId === id).length, 2, 'original and replayed copy');
    }

    const badFrom = sluice(['reprocess', '--from', 'last tuesday'], env);
    assert.equal(badFrom.status, 2);
    assert.match(badFrom.stderr, /--from "last tuesday": expected earliest/);
  });
});
