import { createRequire } from 'node:module';
import {
  type ICustomPartitioner,
  type ITopicConfig,
  Kafka,
  logLevel as KafkaLogLevel,
  type LogEntry,
  Partitioners,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import { Counter } from 'prom-client';
import { z } from 'zod';
import {
  defineSettings,
  hostPortList,
  loadSettings,
  positiveInt,
  type SettingsOf,
  setting,
  str,
} from './config.ts';
import { SluiceError, settingError } from './errors.ts';
import { componentLogger } from './logger.ts';
import { metricsRegistry } from './metrics.ts';
import { retry } from './retry.ts';

/** `auto`, or a whole number ≥ 1. */
const autoOrPositiveInt = z
  .string()
  .trim()
  .transform((text, ctx): number | 'auto' => {
    if (text === 'auto') return 'auto';
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      ctx.addIssue({ code: 'custom', message: 'expected auto or a positive integer' });
    return value;
  });

/** `topic=count[,topic=count…]`, or empty. */
const topicCounts = z.string().transform((text, ctx) => {
  const counts = new Map<string, number>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([A-Za-z0-9._-]+)=(\d+)$/.exec(entry);
    if (!match || Number(match[2]) < 1) {
      ctx.addIssue({ code: 'custom', message: `expected topic=count[,topic=count…], "${entry}" is not one` });
      return counts;
    }
    counts.set(match[1] as string, Number(match[2]));
  }
  return counts;
});

export const kafkaSettings = defineSettings('kafka', {
  brokers: setting(
    'KAFKA_BROKERS',
    hostPortList,
    '127.0.0.1:19092',
    'Kafka bootstrap servers, host:port[,host:port…].',
  ),
  clientId: setting(
    'KAFKA_CLIENT_ID',
    str,
    'sluice',
    'Client id prefix sent to the brokers (shows in broker logs and quotas).',
  ),
  connectionTimeoutMs: setting(
    'KAFKA_CONNECTION_TIMEOUT_MS',
    positiveInt,
    '3000',
    'TCP connect timeout per broker.',
  ),
  requestTimeoutMs: setting(
    'KAFKA_REQUEST_TIMEOUT_MS',
    positiveInt,
    '30000',
    'Timeout of one Kafka request.',
  ),
  partitions: setting(
    'KAFKA_TOPIC_PARTITIONS',
    positiveInt,
    '6',
    'Partitions of the topics Sluice creates: the most instances of a processor or sink that share the work.',
  ),
  partitionsByTopic: setting(
    'KAFKA_TOPIC_PARTITIONS_BY_TOPIC',
    topicCounts,
    '',
    'Partitions of particular topics, over KAFKA_TOPIC_PARTITIONS: `topic=count[,topic=count…]` (e.g. raw.telemetry.readings.v1=12).',
  ),
  replicationFactor: setting(
    'KAFKA_TOPIC_REPLICATION_FACTOR',
    autoOrPositiveInt,
    'auto',
    'Replication factor of the topics Sluice creates; auto: 3, or the brokers there are when fewer.',
  ),
  minInsyncReplicas: setting(
    'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
    autoOrPositiveInt,
    'auto',
    'min.insync.replicas of the topics Sluice creates (acks=all waits for that many copies); auto: 2 with three or more replicas, else 1.',
  ),
});

export type KafkaSettings = SettingsOf<typeof kafkaSettings>;

/**
 * kafkajs logs every error response of the broker at ERROR, also the ones it retries as the
 * protocol asks: CONCURRENT_TRANSACTIONS after every commit whose markers the coordinator is still
 * writing (the next transaction of the partition starts at once; Java clients retry it the same
 * way), NOT_LEADER right after a topic is created, a coordinator loading. Those are counted and
 * logged at debug; a retry that runs out reaches the caller as an error, which it reports.
 */
const retriedResponseErrors = new Map<string, string>(
  (
    createRequire(import.meta.url)('kafkajs/src/protocol/error') as {
      errorCodes: { type: string; retriable: boolean; message: string }[];
    }
  ).errorCodes
    .filter((code) => code.retriable)
    .map((code) => [code.message, code.type]),
);

/**
 * The retried error an ERROR line of kafkajs reports: a broker response or a send its retrier
 * repeats, or a connection attempt it makes again (a broker away is reported once by the component
 * that waits for it, and in its health).
 */
function retriedError(message: string, extra: Record<string, unknown>): string | undefined {
  if (message.startsWith('Response ')) return retriedResponseErrors.get(String(extra.error));
  if (message.startsWith('Connection error: ')) return 'CONNECTION_ERROR';
  if (message.startsWith('Failed to connect to seed broker') && 'retryCount' in extra)
    return 'CONNECTION_RETRY';
  const failedSend = /^Failed to send messages: (.*)$/.exec(message);
  return failedSend && 'retryCount' in extra ? retriedResponseErrors.get(failedSend[1] as string) : undefined;
}

const boundedRetriesWarning = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

const kafkaRetries = new Counter({
  name: 'sluice_kafka_retries_total',
  help: 'Broker errors kafkajs retried as the protocol asks (CONCURRENT_TRANSACTIONS, NOT_LEADER…) and connection attempts it repeated, by error.',
  labelNames: ['component', 'error'] as const,
  registers: [metricsRegistry],
});

const pinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/**
 * The one Kafka factory: every client gets the same brokers, timeouts and logging, and a client
 * that cannot connect fails with one line naming KAFKA_BROKERS and the brokers tried.
 */
export function createKafka(component: string, settings: KafkaSettings = loadSettings(kafkaSettings)): Kafka {
  const logger = componentLogger(component, { lib: 'kafkajs' });
  const kafka = new Kafka({
    clientId: `${settings.clientId}-${component}`,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // kafkajs INFO lines are mostly join/leave chatter: keep warnings and errors.
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const retried = level === KafkaLogLevel.ERROR ? retriedError(message, extra) : undefined;
        if (retried) {
          kafkaRetries.inc({ component, error: retried });
          logger.debug(extra, `${message} (retried)`);
          return;
        }
        // the gateway bounds its producer's retries on purpose: a device resends what was refused
        if (message === boundedRetriesWarning) return logger.debug(extra, message);
        // components creating the same topics at once (npm start on a new stack): createTopics
        // answers an existing topic with false and throws any other failure to its caller
        if (message.startsWith('Response CreateTopics') && extra.error === 'Topic creation errors')
          return logger.debug(extra, message);
        logger[pinoLevel[level] ?? 'info'](extra, message);
      },
  });
  const brokers = settings.brokers.join(',');
  const namingSetting = <C extends { connect(): Promise<void> }>(client: C): C => {
    const connect = client.connect;
    // kafkajs gives up connecting with a non-retriable "retries exceeded": for a client it means the brokers are away
    client.connect = () =>
      connect().catch((err: unknown) => {
        throw settingError('KAFKA_BROKERS', brokers, err, 'ING_KAFKA_UNAVAILABLE');
      });
    return client;
  };
  const [producer, consumer, admin] = [kafka.producer, kafka.consumer, kafka.admin].map((make) =>
    make.bind(kafka),
  ) as [Kafka['producer'], Kafka['consumer'], Kafka['admin']];
  kafka.producer = (config) => namingSetting(producer(config));
  kafka.consumer = (config) => namingSetting(consumer(config));
  kafka.admin = (config) => namingSetting(admin(config));
  return kafka;
}

/** Creates the topics that are missing and waits until they are usable; existing topics are left as they are. */
export async function ensureTopics(
  kafka: Kafka,
  topics: (string | ITopicConfig)[],
  settings: KafkaSettings = loadSettings(kafkaSettings),
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const { replicationFactor, minInsyncReplicas } = topicReplication(
      settings,
      (await admin.describeCluster()).brokers.length,
    );
    const configs = topics.map((topic) => {
      const name = typeof topic === 'string' ? topic : topic.topic;
      return {
        numPartitions: settings.partitionsByTopic.get(name) ?? settings.partitions,
        replicationFactor,
        configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }],
        ...(typeof topic === 'string' ? { topic } : topic),
      };
    });
    const missing = configs.filter(({ topic }) => !existing.has(topic));
    // Another process may create the same topic meanwhile: kafkajs then answers false, not an error.
    // Not kafkajs' waitForLeaders: it gives up on UNKNOWN_TOPIC_OR_PARTITION, which a broker may
    // still answer right after the creation (seen in CI); the wait below retries it.
    if (missing.length > 0) await admin.createTopics({ waitForLeaders: false, topics: missing });
    // A new partition's leader can lag its metadata (NOT_LEADER_FOR_PARTITION right after creation),
    // also for a topic another process has just created: every topic is usable once every
    // partition answers a ListOffsets.
    for (const { topic } of configs) {
      await retry(() => admin.fetchTopicOffsets(topic), {
        retries: 20,
        initialDelayMs: 50,
        maxDelayMs: 1000,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * How the topics Sluice creates are replicated: three copies where the cluster has three brokers
 * (as many as it has when fewer), two of which must have a write before acks=all answers, so one
 * broker can fail without losing an acknowledged event or refusing writes.
 */
export function topicReplication(
  settings: Pick<KafkaSettings, 'replicationFactor' | 'minInsyncReplicas'>,
  brokers: number,
): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor =
    settings.replicationFactor === 'auto' ? Math.max(1, Math.min(3, brokers)) : settings.replicationFactor;
  const minInsyncReplicas =
    settings.minInsyncReplicas === 'auto' ? (replicationFactor >= 3 ? 2 : 1) : settings.minInsyncReplicas;
  return { replicationFactor, minInsyncReplicas };
}

export interface PartitionWatermarks {
  partition: number;
  /** Log start offset: the oldest retained record. */
  low: number;
  /** High watermark: one past the last record written, committed or not. */
  high: number;
}

type ClusterFactory = (options: { isolationLevel: number; allowAutoTopicCreation: boolean }) => {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ partitions: { partition: number; offset: string }[] }[]>;
};

const readUncommitted = 0;

/**
 * Each partition's log start and high watermark. kafkajs' admin lists offsets read_committed, so
 * its `high` is the last stable offset: it stays behind a transaction the producer has already
 * committed until the broker has written the commit markers (asynchronously), and a reader that
 * stops there misses committed records. kafkajs has no public call for the high watermark, so this
 * asks through a read_uncommitted cluster of the client's own (private) factory.
 */
export async function topicWatermarks(kafka: Kafka, topic: string): Promise<PartitionWatermarks[]> {
  const factorySymbol = Object.getOwnPropertySymbols(kafka).find(
    (symbol) => symbol.description === 'private:Kafka:createCluster',
  );
  if (!factorySymbol)
    throw new SluiceError('ING_PROGRAMMING', 'this kafkajs has no cluster factory to list high watermarks');
  const createCluster = (kafka as unknown as Record<symbol, ClusterFactory>)[factorySymbol] as ClusterFactory;
  const cluster = createCluster({ isolationLevel: readUncommitted, allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    return await retry(async () => {
      await cluster.addTargetTopic(topic);
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map(({ partitionId }) => ({ partition: partitionId }));
      const offsets = async (fromBeginning: boolean) =>
        new Map(
          (
            (await cluster.fetchTopicsOffset([{ topic, fromBeginning, partitions }]))[0]?.partitions ?? []
          ).map(({ partition, offset }) => [partition, Number(offset)]),
        );
      const [low, high] = [await offsets(true), await offsets(false)];
      return partitions.map(({ partition }) => ({
        partition,
        low: low.get(partition) ?? 0,
        high: high.get(partition) ?? 0,
      }));
    });
  } finally {
    await cluster.disconnect();
  }
}

/**
 * The producer every component uses: idempotent with acks=all, so a retried send never
 * duplicates or reorders; one request in flight keeps kafkajs' sequence numbers safe.
 * kafkajs retries an idempotent send forever by default; a caller that must answer in
 * bounded time (the HTTP gateway) passes `retry` and replaces the producer after a failure.
 */
export function createProducer(
  kafka: Kafka,
  options: { transactionalId?: string; retry?: RetryOptions } = {},
): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // murmur2, as the Java client: a key lands on the same partition whoever produces it
    createPartitioner: javaCompatiblePartitioner,
    transactionalId: options.transactionalId,
    retry: options.retry,
  });
}

/** Keys remembered per topic before the memo starts over (bounds its memory). */
const memoizedKeysPerTopic = 100_000;

/**
 * The producers' partitioner: a keyed message goes where the Java client (and kafkajs'
 * DefaultPartitioner) would put it, computed with the fast `keyPartition`; the partition of each
 * string key is remembered per topic, since the same devices produce over and over (the memo is
 * dropped whenever the partition count changes). Keyless messages and explicit partitions are
 * left to kafkajs as they are.
 */
export const javaCompatiblePartitioner: ICustomPartitioner = () => {
  const keyless = Partitioners.DefaultPartitioner();
  const memos = new Map<string, { partitionCount: number; byKey: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    const key = message.key;
    if (
      key === null ||
      key === undefined ||
      (message.partition !== undefined && message.partition !== null)
    ) {
      return keyless(args);
    }
    if (typeof key !== 'string') return keyPartition(key, partitionMetadata.length);
    let memo = memos.get(topic);
    if (memo?.partitionCount !== partitionMetadata.length) {
      memo = { partitionCount: partitionMetadata.length, byKey: new Map() };
      memos.set(topic, memo);
    }
    let partition = memo.byKey.get(key);
    if (partition === undefined) {
      partition = keyPartition(Buffer.from(key), partitionMetadata.length);
      if (memo.byKey.size >= memoizedKeysPerTopic) memo.byKey.clear();
      memo.byKey.set(key, partition);
    }
    return partition;
  };
};

/**
 * The partition the Java client (and kafkajs' DefaultPartitioner) picks for a key: murmur2 of the
 * key bytes, made positive, modulo the partition count. Written with Math.imul because kafkajs'
 * own murmur2 emulates 64-bit longs and costs tens of microseconds per message; producers that
 * publish at high rates pass the result as the message's `partition`.
 */
export function keyPartition(key: Buffer, partitions: number): number {
  const m = 0x5bd1e995;
  const length = key.length;
  let h = 0x9747b28c ^ length;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const at = i << 2;
    let k =
      (key[at] as number) |
      ((key[at + 1] as number) << 8) |
      ((key[at + 2] as number) << 16) |
      ((key[at + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= (key[tail + 2] as number) << 16;
  if (rest >= 2) h ^= (key[tail + 1] as number) << 8;
  if (rest >= 1) {
    h ^= key[tail] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return (h & 0x7fffffff) % partitions;
}
