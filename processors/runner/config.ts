import { availableParallelism } from 'node:os';
import { z } from 'zod';
import {
  bool,
  nonNegativeInt,
  positiveInt,
  type SettingsOf,
  setting,
  str,
  topicName,
} from '../../lib/config.ts';
import { dlqContract, type TopicContract } from '../../schemas/catalog.ts';

interface RunnerDefaults {
  inputTopic: string;
  outputTopic: string;
  groupId: string;
  /** Pipeline threads by default: each holds its own heap (50–100 MB), worth it where the volume is. */
  threads: string;
}

/**
 * `auto` pipeline threads: the main thread keeps Kafka busy on a core of its own, so a thread more
 * than the other cores only adds a heap. `npm run bench processor` on two cores, 1,000,000 events,
 * five runs each alternating: 1 thread 80,654-110,872 events/s at 398-413 MiB peak RSS, 2 threads
 * 83,757-108,754 events/s at 468-497 MiB.
 */
function pipelineThreadsForCores(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 1));
}

/**
 * The settings every processor runner has, under the processor's own prefix
 * (e.g. PROCESSOR_TELEMETRY_INPUT_TOPIC), so each processor documents and overrides them alone.
 */
export function runnerSettings(prefix: string, defaults: RunnerDefaults) {
  return {
    inputTopic: setting(`${prefix}_INPUT_TOPIC`, topicName, defaults.inputTopic, 'Raw topic to consume.'),
    outputTopic: setting(
      `${prefix}_OUTPUT_TOPIC`,
      topicName,
      defaults.outputTopic,
      'Normalized topic to produce to.',
    ),
    dlqTopic: setting(
      `${prefix}_DLQ_TOPIC`,
      z.union([z.literal('auto'), topicName]),
      'auto',
      'Dead-letter topic for poison events; auto means dlq.<input topic>.',
    ),
    groupId: setting(
      `${prefix}_GROUP_ID`,
      str,
      defaults.groupId,
      'Consumer group: instances sharing it split the input partitions between them.',
    ),
    transactionalIdPrefix: setting(
      `${prefix}_TRANSACTIONAL_ID_PREFIX`,
      str,
      defaults.groupId,
      'Prefix of the transactional ids, one per input partition (<prefix>-<topic>-<partition>).',
    ),
    transactions: setting(
      `${prefix}_TRANSACTIONS`,
      bool,
      'true',
      'Exactly once with Kafka transactions; false gives at-least-once (offsets committed after the send).',
    ),
    concurrency: setting(
      `${prefix}_CONCURRENCY`,
      positiveInt,
      '6',
      'Partitions processed at the same time by one instance (each with its own transaction).',
    ),
    backlogCommitIntervalMs: setting(
      `${prefix}_BACKLOG_COMMIT_INTERVAL_MS`,
      positiveInt,
      '500',
      'While a partition has a backlog, its batches share one transaction for up to this long (fewer commits for the broker to write); a batch that reaches the end of its partition commits at once.',
    ),
    threads: setting(
      `${prefix}_THREADS`,
      z.union([z.literal('auto').transform(pipelineThreadsForCores), nonNegativeInt]),
      defaults.threads,
      'Worker threads that decode, run the stages and encode, so one instance uses more than one core; 0 runs them on the main thread beside Kafka; auto is one fewer than the cores, 1 or 2.',
    ),
    maxBytesPerPartition: setting(
      `${prefix}_MAX_BYTES_PER_PARTITION`,
      positiveInt,
      '1048576',
      'Largest fetch per partition; bounds a batch (and a transaction).',
    ),
    maxBytes: setting(
      `${prefix}_MAX_BYTES`,
      positiveInt,
      '8388608',
      'Largest fetch response over all partitions; keeps memory flat.',
    ),
    sessionTimeoutMs: setting(
      `${prefix}_SESSION_TIMEOUT_MS`,
      positiveInt,
      '30000',
      'Time after which a silent instance leaves the group and its partitions move on.',
    ),
    heartbeatIntervalMs: setting(
      `${prefix}_HEARTBEAT_INTERVAL_MS`,
      positiveInt,
      '3000',
      'Heartbeat interval, also honoured inside long batches.',
    ),
    fromBeginning: setting(
      `${prefix}_FROM_BEGINNING`,
      bool,
      'true',
      'Where a new consumer group starts: the oldest retained event (true) or new events only.',
    ),
    dedupeWindowEvents: setting(
      `${prefix}_DEDUPE_WINDOW_EVENTS`,
      positiveInt,
      '100000',
      'Dedupe window per partition, in records: an id repeated within this many records is dropped.',
    ),
    dedupeWindowMs: setting(
      `${prefix}_DEDUPE_WINDOW_MS`,
      positiveInt,
      '3600000',
      'Dedupe window per partition, in record-timestamp time: older ids are forgotten.',
    ),
  };
}

export type RunnerSettings = SettingsOf<ReturnType<typeof runnerSettings>>;

export function dlqTopicOf(settings: Pick<RunnerSettings, 'dlqTopic' | 'inputTopic'>): string {
  return settings.dlqTopic === 'auto' ? `dlq.${settings.inputTopic}` : settings.dlqTopic;
}

/** The runner's three topics: the configured names with the schemas of the given raw and normalized contracts. */
export function runnerTopics(
  settings: Pick<RunnerSettings, 'dlqTopic' | 'inputTopic' | 'outputTopic'>,
  raw: TopicContract,
  normalized: TopicContract,
) {
  return {
    input: { ...raw, topic: settings.inputTopic },
    output: { ...normalized, topic: settings.outputTopic },
    dlq: { ...dlqContract(settings.inputTopic), topic: dlqTopicOf(settings) },
  };
}
