import type { Admin, Consumer, Kafka, Message, Producer, TopicMessages, Transaction } from 'kafkajs';
import { createProducer, ensureTopics } from '../kafka.ts';
import { sharedOnce } from '../retry.ts';
import type {
  ConsumerHooks,
  KafkaPort,
  OutputMessage,
  PartitionOutput,
  StreamConsumer,
  StreamConsumerOptions,
  StreamProducer,
  TopicPartitionOffset,
} from './kafka-port.ts';

/**
 * The engine's Kafka port on kafkajs 2.2.4 (patched: patches/kafkajs+2.2.4.patch), holding what
 * that client needs worked around: no KIP-447 (one transactional producer per input partition,
 * fenced by its id), a retry loop steered by the error's type (a fenced producer is handed over as
 * a made-up retriable KafkaJSError), no pause before run() returned, record batches the broker
 * refuses past message.max.bytes (sends split), and the murmur2 partitioner (lib/kafka.ts).
 */
export function kafkajsPort(kafka: Kafka): KafkaPort {
  let shared: Producer | undefined;
  // made once, on the first partition opened without transactions; partitions opened meanwhile wait for its connection
  const sharedProducer = sharedOnce(async () => {
    const producer = createProducer(kafka);
    await producer.connect();
    shared = producer;
    return producer;
  });
  return {
    ensureTopics: (topics) => ensureTopics(kafka, topics),
    consumer: (options) => new KafkajsConsumer(kafka, options),
    producer: () => producerPort(createProducer(kafka)),
    async partitionOutput(consumer, groupId, transactionalId) {
      if (transactionalId === undefined) {
        // without transactions every partition sends through one producer, then commits its offset
        const producer = await sharedProducer();
        return {
          async send(messages) {
            for (const topicMessages of sendsOf(messages))
              await producer.sendBatch({ acks: -1, topicMessages });
          },
          commit: (next) => consumer.commit([next]),
          close: async () => undefined,
        };
      }
      return transactionalOutput(kafka, groupId, transactionalId);
    },
    async close() {
      await shared?.disconnect();
    },
  };
}

function producerPort(producer: Producer): StreamProducer {
  return {
    connect: () => producer.connect(),
    async send(messages) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: messages.map(([topic, topicMessages]) => ({
          topic,
          messages: asKafkajs(topicMessages),
        })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}

/**
 * One transactional producer per input partition (kafkajs has no KIP-447 group metadata): a new
 * owner initialises the partition's id, which aborts whatever a previous owner (crashed, or a
 * zombie after a rebalance) left open and fences it off, before the committed offset is read.
 */
async function transactionalOutput(
  kafka: Kafka,
  groupId: string,
  transactionalId: string,
): Promise<PartitionOutput> {
  const producer = createProducer(kafka, { transactionalId });
  await producer.connect();
  const fence = await producer.transaction();
  await fence.abort();
  let open: Transaction | undefined;
  /** Aborts the open transaction after a failed call: its sends are never read committed. */
  const abandon = async () => {
    const transaction = open;
    open = undefined;
    if (transaction?.isActive()) await transaction.abort().catch(() => undefined);
  };
  return {
    async send(messages) {
      try {
        open ??= await producer.transaction();
        for (const topicMessages of sendsOf(messages)) await open.sendBatch({ acks: -1, topicMessages });
      } catch (err) {
        await abandon();
        throw err;
      }
    },
    async commit(next) {
      try {
        open ??= await producer.transaction();
        const transaction = open;
        // a transaction of offsets only starts with AddOffsetsToTxn, retried while the last commit's
        // markers are written by the kafkajs patch (patches/kafkajs+2.2.4.patch)
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: next.topic, partitions: [{ partition: next.partition, offset: next.offset }] }],
        });
        await transaction.commit();
        open = undefined;
      } catch (err) {
        await abandon();
        throw err;
      }
    },
    async close() {
      await abandon();
      await producer.disconnect();
    },
  };
}

/** Heartbeat answers after which the member's partitions may be moving to another member (or have). */
const partitionsLost = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'NOT_COORDINATOR_FOR_GROUP',
  'UNKNOWN_MEMBER_ID',
]);

/** kafkajs' refusal of a seek while its consumer has no group (stopped, or between a crash and its restart). */
const noGroupYet = /^Consumer group was not initialized/;

class KafkajsConsumer implements StreamConsumer {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private adminConnected?: Promise<void>;
  /** Once run() returned: before it (the first assignment's reads) kafkajs refuses pause and resume. */
  private consuming = false;
  private confirmedAt?: number;
  private leaving = false;

  constructor(
    kafka: Kafka,
    private readonly options: StreamConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxBytes: options.maxBytes,
      maxWaitTimeInMs: options.maxWaitTimeMs,
      readUncommitted: false,
      allowAutoTopicCreation: false,
    });
    this.admin = kafka.admin();
  }

  async run(topics: string[], fromBeginning: boolean, hooks: ConsumerHooks): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.REBALANCING, () => hooks.revoking());
    let assigned: Promise<void> = Promise.resolve();
    consumer.on(consumer.events.HEARTBEAT, () => {
      this.confirmedAt = Date.now();
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.confirmedAt = Date.now();
      // one after the other: kafkajs does not wait for the hook, and a join that came while the
      // last one's hook still ran (reading stored offsets while a database was down) would
      // otherwise interleave with it, its older positions set after the newer one's writes
      assigned = assigned.catch(() => undefined).then(() => hooks.assigned(payload.memberAssignment));
      assigned.catch(() => undefined); // the batches waiting for it raise it
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) hooks.crashed(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        try {
          // the latest join's hook: one may have come while this batch waited for an earlier one
          for (let awaited = assigned; ; awaited = assigned) {
            await awaited;
            if (awaited === assigned) break;
          }
          const consumed = await hooks.batch(
            {
              topic: batch.topic,
              partition: batch.partition,
              messages: batch.messages,
              highWatermark: batch.highWatermark,
              firstOffset: batch.firstOffset() ?? batch.messages[0]?.offset ?? batch.lastOffset(),
              lastOffset: batch.lastOffset(),
            },
            async () => {
              try {
                await heartbeat();
              } catch (err) {
                // kafkajs tells of a rebalance only once its fetch loop sees one, and that loop
                // waits for this batch: a batch held for its destination would wait for ever. A
                // heartbeat that cannot reach the coordinator past the session is as good as lost.
                const sessionOver =
                  Date.now() - (this.membershipConfirmedAt() ?? 0) > this.options.sessionTimeoutMs;
                if (sessionOver || partitionsLost.has((err as { type?: string }).type ?? ''))
                  hooks.revoking();
                throw err;
              }
            },
          );
          if (consumed) resolveOffset(batch.lastOffset());
        } catch (err) {
          throw forKafkajs(err);
        }
      },
    });
    this.consuming = true;
  }

  /**
   * Runs a call on kafkajs' consumer group. After a crash kafkajs stops its consumer and restarts it
   * some seconds later: meanwhile it has no group and throws. A seek, pause or resume is moot then:
   * the restart joins the group again, every assignment seeks to the stored or committed offsets,
   * and fetching starts unpaused (a processor's rewind after a failed commit raised this in a
   * callback and took its process down, Kafka SIGKILLed; a sink's pause for a failing write made
   * its engine stop).
   */
  private onGroup(call: () => void): void {
    try {
      call();
    } catch (err) {
      if (!this.consuming || !(err instanceof Error && noGroupYet.test(err.message))) throw err;
    }
  }

  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    this.onGroup(() => this.consumer.seek({ topic, partition, offset }));
  }

  pause(topics: string[], partitions?: number[]): void {
    if (this.consuming)
      this.onGroup(() => this.consumer.pause(topics.map((topic) => ({ topic, partitions }))));
  }

  resume(topics: string[], partitions?: number[]): void {
    if (this.consuming)
      this.onGroup(() => this.consumer.resume(topics.map((topic) => ({ topic, partitions }))));
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    await this.consumer.commitOffsets(offsets);
  }

  private connectedAdmin(): Promise<Admin> {
    this.adminConnected ??= this.admin.connect().catch((err: unknown) => {
      this.adminConnected = undefined;
      throw err;
    });
    return this.adminConnected.then(() => this.admin);
  }

  async committed(topic: string): Promise<Map<number, number>> {
    const admin = await this.connectedAdmin();
    const [entry] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
    return new Map(
      (entry?.partitions ?? [])
        .map(({ partition, offset }) => [partition, Number(offset)] as const)
        .filter(([, offset]) => offset >= 0),
    );
  }

  async offsetRange(topic: string, partition: number): Promise<{ low: number; high: number }> {
    const admin = await this.connectedAdmin();
    const watermarks = (await admin.fetchTopicOffsets(topic)).find((entry) => entry.partition === partition);
    return { low: Number(watermarks?.low ?? 0), high: Number(watermarks?.high ?? 0) };
  }

  membershipConfirmedAt(): number | undefined {
    // once leaving, the group may give its partitions to others whatever a held batch's heartbeat answers
    return this.leaving ? undefined : this.confirmedAt;
  }

  stop(): Promise<void> {
    this.leaving = true;
    return this.consumer.stop();
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect();
    if (this.adminConnected) await this.admin.disconnect();
  }
}

/** Kafka error types of a transactional producer whose id another producer took over. */
const fencedErrorTypes = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_ID_MAPPING',
]);

/**
 * The error to hand kafkajs for a failed batch: as it came (kafkajs tells a rebalance, which it
 * rejoins, from a failure, which it retries, by the error), except a fenced producer. kafkajs stops
 * a consumer for good after a non-retriable error, and fencing is one; retried, the consumer rejoins
 * and reopens the partitions it still owns (fencing their ids anew), while a partition that moved to
 * another instance stays with it.
 */
function forKafkajs(err: unknown): unknown {
  let cause = err as { type?: string; cause?: unknown } | undefined;
  while (cause?.cause) cause = cause.cause as { type?: string; cause?: unknown };
  if (cause?.type === undefined || !fencedErrorTypes.has(cause.type)) return err;
  return Object.assign(new Error(`transactional producer fenced (${cause.type}); rejoining the group`), {
    name: 'KafkaJSError',
    retriable: true,
  });
}

/** The port's messages as kafkajs takes them (the same shape; kafkajs' type wants a value). */
function asKafkajs(messages: OutputMessage[]): Message[] {
  return messages as Message[];
}

/**
 * Bytes of records per send. kafkajs puts a send's messages for a partition in one record batch,
 * which the broker refuses past its message.max.bytes (1 MiB by default), also when every key of
 * a send lands in one partition.
 */
const sendBytes = 768 * 1024;

/** Bytes a message takes in a record batch, headers estimated (a trace id at most). */
function recordBytes(message: OutputMessage): number {
  const key = message.key;
  return (message.value?.length ?? 0) + (key ? Buffer.byteLength(key) : 0) + 96;
}

/**
 * The sends of one batch: outputs, dead letters and run outcomes, as few sends as sendBytes allows
 * (one produce request per send, so a batch usually costs one round trip).
 */
function sendsOf(messagesByTopic: [topic: string, messages: OutputMessage[]][]): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  let send: TopicMessages[] = [];
  let bytes = 0;
  for (const [topic, messages] of messagesByTopic) {
    let current: TopicMessages | undefined;
    for (const message of messages) {
      const size = recordBytes(message);
      if (bytes + size > sendBytes && bytes > 0) {
        sends.push(send);
        send = [];
        bytes = 0;
        current = undefined;
      }
      if (!current) {
        current = { topic, messages: [] };
        send.push(current);
      }
      current.messages.push(message as Message);
      bytes += size;
    }
  }
  if (send.length > 0) sends.push(send);
  return sends;
}
