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
import {
  defineSettings,
  hostPortList,
  loadSettings,
  positiveInt,
  type SettingsOf,
  setting,
  str,
} from './config.ts';
import { componentLogger } from './logger.ts';
import { retry } from './retry.ts';

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
  partitions: setting('KAFKA_TOPIC_PARTITIONS', positiveInt, '6', 'Partitions of the topics Sluice creates.'),
  replicationFactor: setting(
    'KAFKA_TOPIC_REPLICATION_FACTOR',
    positiveInt,
    '1',
    'Replication factor of the topics Sluice creates (3 in production).',
  ),
});

export type KafkaSettings = SettingsOf<typeof kafkaSettings>;

const pinoLevel: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** The one Kafka factory: every client gets the same brokers, timeouts and logging. */
export function createKafka(component: string, settings: KafkaSettings = loadSettings(kafkaSettings)): Kafka {
  const logger = componentLogger(component, { lib: 'kafkajs' });
  return new Kafka({
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
        logger[pinoLevel[level] ?? 'info'](extra, message);
      },
  });
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
    const configs = topics
      .map((topic) => ({
        numPartitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
        ...(typeof topic === 'string' ? { topic } : topic),
      }))
      .filter(({ topic }) => !existing.has(topic));
    if (configs.length === 0) return;
    // Another process may create the same topic meanwhile: kafkajs then answers false, not an error.
    await admin.createTopics({ waitForLeaders: true, topics: configs });
    // A new partition's leader can lag its metadata (NOT_LEADER_FOR_PARTITION right after
    // creation): the topics are usable once every partition answers a ListOffsets.
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
    createPartitioner: memoizedDefaultPartitioner,
    transactionalId: options.transactionalId,
    retry: options.retry,
  });
}

/** Keys remembered per topic before the memo starts over (bounds its memory). */
const memoizedKeysPerTopic = 100_000;

/**
 * kafkajs' DefaultPartitioner (murmur2) with the partition of each string key remembered: kafkajs
 * hashes every message's key anew (a Buffer copy and a JavaScript murmur2), and the same devices
 * produce over and over. The partition is a pure function of the key and the partition count, so
 * the memo is dropped whenever the count changes; messages with an explicit partition, a Buffer
 * key or no key go to kafkajs' partitioner as they are.
 */
export const memoizedDefaultPartitioner: ICustomPartitioner = () => {
  const partitioner = Partitioners.DefaultPartitioner();
  const memos = new Map<string, { partitionCount: number; byKey: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== undefined && message.partition !== null)) {
      return partitioner(args);
    }
    let memo = memos.get(topic);
    if (memo?.partitionCount !== partitionMetadata.length) {
      memo = { partitionCount: partitionMetadata.length, byKey: new Map() };
      memos.set(topic, memo);
    }
    let partition = memo.byKey.get(key);
    if (partition === undefined) {
      partition = partitioner(args);
      if (memo.byKey.size >= memoizedKeysPerTopic) memo.byKey.clear();
      memo.byKey.set(key, partition);
    }
    return partition;
  };
};
