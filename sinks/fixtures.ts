import type { Kafka, Producer } from 'kafkajs';
import { createProducer, ensureTopics } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { dlqContract, topics } from '../schemas/catalog.ts';
import { telemetryEventId } from '../schemas/raw-telemetry-reading.ts';
import { samples } from '../schemas/samples.ts';
import type { DeadLetter, TelemetryReading } from '../schemas/types.ts';
import { waitFor } from '../test/support.ts';

/**
 * Realistic normalized readings for sink tests and benchmarks: the sample event with distinct
 * event ids, spread over `devices` devices and three metrics, one reading per device per second.
 */
export function normalizedReadings(
  count: number,
  {
    prefix,
    devices = 50,
    startMs = Date.UTC(2026, 10, 21, 8),
  }: { prefix: string; devices?: number; startMs?: number },
): TelemetryReading[] {
  const sample = samples['normalized.telemetry.readings.v1'];
  const metrics = ['temperature', 'pressure', 'flow_rate'] as const;
  return Array.from({ length: count }, (_, i) => {
    const device = i % devices;
    const tick = Math.floor(i / devices);
    const deviceId = `${prefix}-dev-${device}`;
    const metric = metrics[tick % metrics.length] as string;
    const sourceTime = startMs + tick * 1_000 + (i % 1000);
    return {
      ...sample,
      // minted as the producers mint them (32 hex characters): sinks keep such ids compactly
      eventId: telemetryEventId(sample.source, deviceId, metric, String(i), sourceTime),
      deviceId,
      metric,
      value: Math.round((20 + 10 * Math.sin(i / 97) + device / 10) * 1000) / 1000,
      sourceTime,
      receivedAt: startMs + tick * 1_000 + 1_500,
      processedAt: startMs + tick * 1_000 + 1_600,
      lineage: { ...sample.lineage, offset: i },
    };
  });
}

/** A private normalized telemetry topic (same schema as the real one), so a test can count exactly. */
export async function privateTelemetryTopic(
  kafka: Kafka,
  name: string,
): Promise<{ serde: AvroSerde; producer: Producer }> {
  await ensureTopics(kafka, [name]);
  const serde = new AvroSerde(createRegistryClient());
  await serde.register({ ...topics.normalizedTelemetry, topic: name });
  const producer = createProducer(kafka);
  await producer.connect();
  return { serde, producer };
}

/** Publishes readings keyed by device, in chunks, resolved once Kafka acknowledged all. */
export async function publishReadings(
  producer: Producer,
  serde: AvroSerde,
  topic: string,
  readings: TelemetryReading[],
  chunk = 5_000,
): Promise<void> {
  for (let start = 0; start < readings.length; start += chunk) {
    await producer.send({
      topic,
      acks: -1,
      messages: readings.slice(start, start + chunk).map((reading) => ({
        key: reading.deviceId,
        value: serde.encode(topic, reading),
      })),
    });
  }
}

/** Reads the dead letters of `sourceTopic` (a private test topic) until `count` arrived. */
export async function readDeadLetters(kafka: Kafka, serde: AvroSerde, sourceTopic: string, count: number) {
  const contract = dlqContract(sourceTopic);
  await serde.register(contract);
  const consumer = kafka.consumer({ groupId: `test-dlq-${sourceTopic}` });
  const letters: DeadLetter[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: contract.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        letters.push((await serde.decode<DeadLetter>(contract.topic, message.value)).value);
      },
    });
    await waitFor(`${count} dead letters on ${contract.topic}`, async () => letters.length >= count, 30_000);
    return letters;
  } finally {
    await consumer.disconnect();
  }
}
