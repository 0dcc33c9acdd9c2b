import type { IHeaders, Kafka, Message } from 'kafkajs';
import { type DeadLetterFilter, originalHeaders, type ReplayCounts } from '../../lib/dlq.ts';
import { createProducer } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, readSchema } from '../../schemas/catalog.ts';
import type { DeadLetter } from '../../schemas/types.ts';
import { readTopicToEnd } from './topic-reader.ts';

export interface ReplayFilter extends DeadLetterFilter {
  dryRun?: boolean;
}

export function selects(letter: DeadLetter, offset: number, filter: ReplayFilter): boolean {
  return (
    // a producer's letter holds transport bytes (an MQTT payload), not an event of originalTopic
    letter.source === null &&
    (filter.reason === undefined || letter.reasonCode === filter.reason) &&
    (filter.stage === undefined || letter.stage === filter.stage) &&
    (filter.fromOffset === undefined || offset >= filter.fromOffset) &&
    (filter.failedFrom === undefined || letter.firstFailedAt >= filter.failedFrom) &&
    (filter.failedTo === undefined || letter.firstFailedAt < filter.failedTo)
  );
}

/**
 * Re-publishes selected dead letters, byte for byte, to the topic they came from (after a fix in
 * the stages or the data), with their original key and headers plus where they were replayed from.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  serde: AvroSerde,
  dlqTopic: string,
  filter: ReplayFilter,
  progress: { onPlanned?: (records: number) => void; onPosition?: (records: number) => void } = {},
): Promise<ReplayCounts> {
  await serde.register(
    { ...dlqContract(dlqTopic.replace(/^dlq\./, '')), topic: dlqTopic },
    readSchema('dlq.v1.avsc'),
  );
  const producer = createProducer(kafka);
  await producer.connect();
  const result: ReplayCounts = { scanned: 0, selected: 0, replayed: 0 };
  try {
    await readTopicToEnd(kafka, dlqTopic, {
      ...progress,
      onMessages: async (partition, messages) => {
        const batch = new Map<string, Message[]>();
        for (const message of messages) {
          result.scanned += 1;
          const letter = serde.decodeSync<DeadLetter>(dlqTopic, message.value).value;
          if (!selects(letter, Number(message.offset), filter)) continue;
          if (filter.limit !== undefined && result.selected >= filter.limit) continue;
          result.selected += 1;
          // where the letter came from lets the processor's dedupe window tell a first delivery
          // after a fix from a second copy (dedupe.ts)
          const headers: IHeaders = {
            ...letter.headers,
            'dlq.replayed-from': `${dlqTopic}/${partition}/${message.offset}`,
            ...originalHeaders(letter),
          };
          const list = batch.get(letter.originalTopic) ?? [];
          list.push({ key: letter.key, value: letter.value, headers });
          batch.set(letter.originalTopic, list);
        }
        if (filter.dryRun || batch.size === 0) return;
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...batch].map(([topic, list]) => ({ topic, messages: list })),
        });
        for (const list of batch.values()) result.replayed += list.length;
      },
    });
  } finally {
    await producer.disconnect();
  }
  return result;
}
