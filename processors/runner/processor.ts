import type { Kafka } from 'kafkajs';
import { loadSettings, type SettingGroup, type SettingsOf } from '../../lib/config.ts';
import type { TopicContract } from '../../schemas/catalog.ts';
import { type RunnerSettings, runnerTopics } from './config.ts';
import type { RunOutcomeOptions } from './run-outcomes.ts';
import { type RunnerProgress, TransactionalRunner } from './transactional-runner.ts';

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
): TransactionalRunner {
  const settings = (options.settings ?? loadSettings(definition.settings)) as SettingsOf<Group> &
    RunnerSettings;
  return new TransactionalRunner({
    component: options.component ?? definition.component,
    pipelineModule: definition.pipelineModule.href,
    settings,
    topics: runnerTopics(settings, definition.raw, definition.normalized),
    kafka: options.kafka,
    until: options.until,
    onProgress: options.onProgress,
    runOutcomes: definition.runOutcomes?.(settings),
  });
}
