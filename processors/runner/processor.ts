import type { Kafka } from 'kafkajs';
import { loadSettings, type SettingGroup, type SettingsOf } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { defaultRetryOptions } from '../../lib/retry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { StreamEngine } from '../../lib/stream/engine.ts';
import { kafkajsPort } from '../../lib/stream/kafkajs-port.ts';
import type { TopicContract } from '../../schemas/catalog.ts';
import { type RunnerSettings, runnerTopics } from './config.ts';
import { ProcessorPlugin, type RunnerProgress } from './processor-plugin.ts';
import type { RunOutcomeOptions } from './run-outcomes.ts';

/** A processor: the stream engine with the processor plugin. */
export type Processor = StreamEngine<ProcessorPlugin>;

export interface ProcessorOptions<Settings> {
  /** Default: from the environment. */
  settings?: Settings;
  kafka?: Kafka;
  component?: string;
  until?: ReadonlyMap<number, number>;
  onProgress?: (progress: RunnerProgress) => void;
}

/** What makes a processor: its settings, its pipeline module (see StartPipeline) and its two topics. */
export interface ProcessorDefinition<Group extends SettingGroup> {
  component: string;
  settings: Group;
  pipelineModule: URL;
  raw: TopicContract;
  normalized: TopicContract;
  /** Where per-run outcomes go, when the processor counts them (see RunOutcomeTally). */
  runOutcomes?: (settings: SettingsOf<Group>) => RunOutcomeOptions | undefined;
}

export function createProcessor<Group extends SettingGroup>(
  definition: ProcessorDefinition<Group>,
  options: ProcessorOptions<SettingsOf<Group>>,
): Processor {
  const settings = (options.settings ?? loadSettings(definition.settings)) as SettingsOf<Group> &
    RunnerSettings;
  const name = options.component ?? definition.component;
  const topics = runnerTopics(settings, definition.raw, definition.normalized);
  const runOutcomes = definition.runOutcomes?.(settings);
  return new StreamEngine<ProcessorPlugin>({
    name,
    port: kafkajsPort(options.kafka ?? createKafka(name)),
    serde: new AvroSerde(createRegistryClient()),
    contracts: [topics.input, topics.output, topics.dlq, ...(runOutcomes ? [runOutcomes.topic] : [])],
    sources: [topics.input.topic],
    fromBeginning: settings.fromBeginning,
    consumer: {
      groupId: settings.groupId,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxWaitTimeMs: 250,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxBytes: settings.maxBytes,
      partitionsConcurrently: settings.concurrency,
    },
    // dead letters go in the batch's transaction: the engine's retries only see what a plugin hands it
    retryMaxDelayMs: defaultRetryOptions.maxDelayMs,
    unclassifiedRetries: 0,
    logContext: { input: topics.input.topic },
    plugin: (engine) =>
      new ProcessorPlugin(engine, {
        pipelineModule: definition.pipelineModule.href,
        settings,
        topics,
        until: options.until,
        onProgress: options.onProgress,
        runOutcomes,
      }),
  });
}
