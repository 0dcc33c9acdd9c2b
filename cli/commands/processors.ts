import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { ReprocessCounts } from '../../api/operations/actions.ts';
import { loadSettings } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { pricingSettings } from '../../processors/pricing/config.ts';
import { createPricingProcessor } from '../../processors/pricing/pricing-processor.ts';
import { replayDeadLetters } from '../../processors/runner/dlq-replay.ts';
import type { RunnerProgress } from '../../processors/runner/processor-plugin.ts';
import { planReplay, positionGroup, withAdmin } from '../../processors/runner/reprocess.ts';
import { telemetrySettings } from '../../processors/telemetry/config.ts';
import { createTelemetryProcessor } from '../../processors/telemetry/telemetry-processor.ts';
import { done, progressBars, step } from '../output.ts';

export const pipelines = ['telemetry', 'pricing'] as const;
export type PipelineName = (typeof pipelines)[number];

function pipelineName(name: string): PipelineName {
  if (!(pipelines as readonly string[]).includes(name)) {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      `unknown processor ${name}: expected one of ${pipelines.join(', ')}`,
    );
  }
  return name as PipelineName;
}

interface ProcessorOverrides {
  groupId?: string;
  outputTopic?: string;
  until?: ReadonlyMap<number, number>;
  onProgress?: (progress: RunnerProgress) => void;
  /** False for a replay: its events were counted in their collection runs' outcomes already. */
  countRuns?: boolean;
}

/** The processor with its settings from the environment, optionally in another group (reprocessing). */
export function createProcessor(name: PipelineName, overrides: ProcessorOverrides = {}) {
  const rename = <S extends { groupId: string; transactionalIdPrefix: string; outputTopic: string }>(
    settings: S,
  ): S => ({
    ...settings,
    groupId: overrides.groupId ?? settings.groupId,
    transactionalIdPrefix: overrides.groupId ?? settings.transactionalIdPrefix,
    outputTopic: overrides.outputTopic ?? settings.outputTopic,
  });
  const options = { until: overrides.until, onProgress: overrides.onProgress };
  if (name === 'telemetry') {
    const settings = rename(loadSettings(telemetrySettings));
    return { inputTopic: settings.inputTopic, component: createTelemetryProcessor({ ...options, settings }) };
  }
  const settings = rename(loadSettings(pricingSettings));
  if (overrides.countRuns === false) settings.outcomesTopic = '';
  return { inputTopic: settings.inputTopic, component: createPricingProcessor({ ...options, settings }) };
}

/**
 * Replays a raw topic from `from` (earliest, an instant, an offset, or p:offset,…) up to its end
 * now through the current stages, in a consumer group of its own that is deleted afterwards.
 */
export async function reprocess(
  name: PipelineName,
  from: string,
  hooks: {
    outputTopic?: string;
    onPlanned?: (records: number, inputTopic: string, groupId: string) => void;
    onProgress?: (processed: number, records: number) => void;
  } = {},
): Promise<ReprocessCounts> {
  const groupId = `sluice-reprocess-${name}-${randomBytes(4).toString('hex')}`;
  const kafka = createKafka('reprocess');
  const inputTopic = createProcessor(name).inputTopic;
  const plan = await withAdmin(kafka, async (admin) => {
    const planned = await planReplay(admin, inputTopic, from);
    await positionGroup(admin, groupId, inputTopic, planned);
    return planned;
  });
  hooks.onPlanned?.(plan.records, inputTopic, groupId);
  if (plan.records === 0) return { planned: 0, processed: 0, accepted: 0, rejected: 0, duplicates: 0 };
  let last: RunnerProgress = { processed: 0, accepted: 0, rejected: 0, duplicates: 0 };
  const { component } = createProcessor(name, {
    groupId,
    outputTopic: hooks.outputTopic,
    until: plan.ends,
    countRuns: false,
    onProgress: (progress) => {
      last = progress;
      hooks.onProgress?.(progress.processed, plan.records);
    },
  });
  await component.start();
  try {
    await component.plugin.finished;
  } finally {
    await component.stop(Date.now() + 15_000);
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
  hooks.onProgress?.(plan.records, plan.records);
  return { planned: plan.records, ...last };
}

function progressBar(label: string) {
  const { SingleBar, Presets } = progressBars();
  return new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} records | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    Presets.shades_classic,
  );
}

export function registerProcessorsCommands(program: Command): void {
  program
    .command('reprocess')
    .description(
      'replay a raw topic from a point in time or offset through the current stages into the normalized topic',
    )
    .requiredOption(
      '--from <timestamp|offset>',
      'earliest, ISO-8601 instant, an offset for all partitions, or p:offset,…',
    )
    .option('--pipeline <name>', pipelines.join(' | '), 'telemetry')
    .option('--to <topic>', 'output topic (default: the processor’s normalized topic)')
    .action(async ({ from, pipeline, to }: { from: string; pipeline: string; to?: string }) => {
      const bar = progressBar('reprocess');
      const counts = await reprocess(pipelineName(pipeline), from, {
        outputTopic: to,
        onPlanned: (records, inputTopic, groupId) => {
          if (records === 0) return;
          step('reprocess', `${records} records of ${inputTopic} (group ${groupId})`);
          bar.start(records, 0);
        },
        onProgress: (processed, records) => bar.update(Math.min(records, processed)),
      });
      bar.stop();
      done(
        'reprocess',
        counts.planned === 0
          ? `nothing to replay from ${from}`
          : `${counts.processed} records: ${counts.accepted} normalized, ${counts.rejected} to the DLQ, ${counts.duplicates} duplicates`,
      );
    });

  program
    .command('dlq')
    .description('dead-letter topics')
    .command('replay')
    .description('re-publish selected dead letters to the topic they came from (after a fix)')
    .requiredOption('--topic <dlq topic>', 'dead-letter topic, e.g. dlq.raw.telemetry.readings.v1')
    .option('--reason <code>', 'only this reason code (e.g. unit_unknown)')
    .option('--stage <stage>', 'only this stage (e.g. validate)')
    .option('--from-offset <n>', 'only dead letters at or after this offset of each DLQ partition')
    .option('--limit <n>', 'at most this many')
    .option('--dry-run', 'count what would be replayed, publish nothing')
    .action(
      async (options: {
        topic: string;
        reason?: string;
        stage?: string;
        fromOffset?: string;
        limit?: string;
        dryRun?: boolean;
      }) => {
        const number = (text: string | undefined, flag: string) => {
          if (text === undefined) return undefined;
          if (!/^\d+$/.test(text))
            throw new SluiceError('ING_CONFIG_INVALID', `${flag} expects a whole number`);
          return Number(text);
        };
        const filter = {
          reason: options.reason,
          stage: options.stage,
          fromOffset: number(options.fromOffset, '--from-offset'),
          limit: number(options.limit, '--limit'),
          dryRun: options.dryRun,
        };
        const bar = progressBar('dlq replay');
        const result = await replayDeadLetters(
          createKafka('dlq-replay'),
          new AvroSerde(createRegistryClient()),
          options.topic,
          filter,
          { onPlanned: (records) => bar.start(records, 0), onPosition: (records) => bar.update(records) },
        );
        bar.stop();
        done(
          'dlq replay',
          `${result.scanned} dead letters scanned, ${result.selected} selected, ${result.replayed} re-published${options.dryRun ? ' (dry run)' : ''}`,
        );
      },
    );
}
