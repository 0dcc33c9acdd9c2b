import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { SluiceError } from '../../lib/errors.ts';
import { topicWatermarks } from '../../lib/kafka.ts';

export interface ReadOptions {
  /** Start offsets per partition; partitions not listed start at the oldest retained record. */
  from?: ReadonlyMap<number, number>;
  /** Give up after this long without reaching the end. */
  timeoutMs?: number;
  /** Called with the partition's committed records of each fetched batch, in offset order. */
  onMessages: (partition: number, messages: KafkaMessage[]) => void | Promise<void>;
  /** Called once with the number of records (data and transaction markers) between start and end. */
  onPlanned?: (records: number) => void;
  /** Called after each batch with the records passed so far (markers included). */
  onPosition?: (records: number) => void;
}

/**
 * Reads a topic's committed records from the start offsets up to the high watermarks it had when
 * called (the snapshot keeps the read bounded; a transaction still open there is waited for), with a throw-away consumer group that is deleted
 * afterwards. Transaction markers and aborted records count towards the end but are not delivered.
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, options: ReadOptions): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `sluice-reader-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxBytes: 8 * 1024 * 1024 });
  try {
    const ends = new Map<number, number>();
    const starts = new Map<number, number>();
    for (const { partition, low, high } of await topicWatermarks(kafka, topic)) {
      const start = Math.max(low, options.from?.get(partition) ?? low);
      if (start < high) {
        ends.set(partition, high);
        starts.set(partition, start);
      }
    }
    let planned = 0;
    for (const [partition, end] of ends) planned += end - (starts.get(partition) as number);
    options.onPlanned?.(planned);
    if (ends.size === 0) return;
    const positions = new Map(starts);
    let passed = 0;
    let finish: () => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const finished = new Promise<void>((resolveRead, rejectRead) => {
      finish = resolveRead;
      fail = rejectRead;
    });
    // Batches emptied by read_committed filtering never reach eachBatch, but this event sees them.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = ends.get(payload.partition);
      if (end === undefined || payload.topic !== topic) return;
      const next = Math.min(end, Number(payload.lastOffset) + 1);
      passed += Math.max(0, next - (positions.get(payload.partition) as number));
      positions.set(payload.partition, Math.max(next, positions.get(payload.partition) as number));
      options.onPosition?.(passed);
      if (next >= end) consumer.pause([{ topic, partitions: [payload.partition] }]);
      if ([...ends].every(([partition, endOffset]) => (positions.get(partition) as number) >= endOffset))
        finish();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        const messages = batch.messages.filter((message) => Number(message.offset) < end);
        if (messages.length > 0) await options.onMessages(batch.partition, messages);
      },
    });
    for (const [partition, start] of starts) consumer.seek({ topic, partition, offset: String(start) });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rejectTimeout) => {
      timer = setTimeout(
        () =>
          rejectTimeout(
            new SluiceError(
              'ING_TIMEOUT',
              `reading ${topic} did not reach its end in ${options.timeoutMs} ms`,
            ),
          ),
        options.timeoutMs ?? 120_000,
      );
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
