import type { Kafka } from 'kafkajs';
import type { AvroSerde } from '../lib/serde.ts';
import { dlqContract, topics } from '../schemas/catalog.ts';
import type { DeadLetter, RawTelemetryReading } from '../schemas/types.ts';
import { uniqueSuffix } from '../test/support.ts';

/** Test helpers of the producers: read back what landed in the raw topic and its DLQ. */

const topic = topics.rawTelemetry.topic;

export type TopicPosition = { partition: number; offset: string }[];

/** A topic's end offsets now (the raw topic's by default), so a test reads only what came afterwards. */
export async function rawTopicEnd(kafka: Kafka, ofTopic: string = topic): Promise<TopicPosition> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(ofTopic)).map(({ partition, offset }) => ({ partition, offset }));
  } finally {
    await admin.disconnect();
  }
}

interface ReadOptions {
  count: number;
  timeoutMs?: number;
  settleMs?: number;
}

/**
 * Consumes the raw topic from `from`, decoding every message with the registered schema, until
 * `count` readings matching `match` arrived (then waits `settleMs` more to catch extras).
 */
export function readRawReadings(
  kafka: Kafka,
  serde: AvroSerde,
  from: TopicPosition,
  match: (reading: RawTelemetryReading) => boolean,
  options: ReadOptions,
): Promise<RawTelemetryReading[]> {
  return readEvents(kafka, serde, topic, from, match, options);
}

/** The raw topic's dead letters from `from` on, as readRawReadings reads readings. */
export function readRawDeadLetters(
  kafka: Kafka,
  serde: AvroSerde,
  from: TopicPosition,
  match: (letter: DeadLetter) => boolean,
  options: ReadOptions,
): Promise<DeadLetter[]> {
  return readEvents(kafka, serde, dlqContract(topic).topic, from, match, options);
}

async function readEvents<T>(
  kafka: Kafka,
  serde: AvroSerde,
  topic: string,
  from: TopicPosition,
  match: (event: T) => boolean,
  { count, timeoutMs = 30_000, settleMs = 500 }: ReadOptions,
): Promise<T[]> {
  const consumer = kafka.consumer({ groupId: `test-producers-${uniqueSuffix()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  // keyed by partition and offset: a message fetched before the seek applies may come twice
  const found = new Map<string, T>();
  let settleTimer: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic });
    const arrived = new Promise<void>((resolveAll, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`only ${found.size} of ${count} events of ${topic} arrived in ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const { value } = await serde.decode<T>(topic, message.value);
            if (!match(value)) return;
            found.set(`${partition}:${message.offset}`, value);
            if (found.size >= count && !settleTimer) {
              clearTimeout(timer);
              settleTimer = setTimeout(resolveAll, settleMs);
            }
          },
        })
        .then(() => {
          for (const { partition, offset } of from) consumer.seek({ topic, partition, offset });
        })
        .catch(reject);
    });
    await arrived;
  } finally {
    clearTimeout(timer);
    clearTimeout(settleTimer);
    await consumer.disconnect();
  }
  return [...found.values()];
}
