import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';
import type { Kafka } from 'kafkajs';
import type { CollectionStart, PipelineActions } from '../api/operations/actions.ts';
import type { Component, Health } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { describeError, SluiceError } from '../lib/errors.ts';
import { createKafka } from '../lib/kafka.ts';
import { componentLogger } from '../lib/logger.ts';
import { createPgPool } from '../lib/postgres.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { replayDeadLetters } from '../processors/runner/dlq-replay.ts';
import { CollectionRunStore, newRunId } from '../producers/pricing-collection/run-store.ts';
import { collectionScheduleSettings } from './collection-schedule.ts';
import { cancelRun, collectionNodeFlags } from './commands/collect.ts';
import { reprocess } from './commands/processors.ts';

/**
 * The platform's side of the API's operations: what `sluice collect`, `sluice dlq replay` and
 * `sluice reprocess` do, for the API to call. A collection runs as `sluice collect` in a child
 * process (its memory bound and flags are the CLI's, and it outlives nothing: the platform ends
 * its children when it stops); replays and reprocesses run in this process.
 */

/** How to run the CLI in a child: the compiled entry, or the TypeScript one through tsx. */
function cliCommand(): string[] {
  const compiled = import.meta.url.endsWith('.js');
  const main = fileURLToPath(new URL(compiled ? './main.js' : './main.ts', import.meta.url));
  return compiled ? [main] : ['--import', 'tsx', main];
}

const azureFlags: Record<string, string> = {
  serviceName: '--service',
  armRegionName: '--region',
  priceType: '--price-type',
  currencyCode: '--currency',
};
const awsFlags: Record<string, string> = {
  source: '--source',
  serviceCode: '--service',
  regionCode: '--region',
};

export function collectArguments(start: CollectionStart & { runId: string }): string[] {
  const flags = start.provider === 'azure' ? azureFlags : awsFlags;
  return [
    'collect',
    start.provider,
    '--run-id',
    start.runId,
    ...Object.entries(start.filters).flatMap(([name, value]) => {
      const flag = flags[name];
      if (!flag)
        throw new SluiceError('ING_CONFIG_INVALID', `${start.provider} collections have no filter ${name}`);
      return [flag, value];
    }),
  ];
}

export class PlatformActions implements PipelineActions {
  private readonly children = new Set<ChildProcess>();
  private readonly logger = componentLogger('operations');
  private readonly kafka: Kafka;
  private readonly serde = new AvroSerde(createRegistryClient());

  constructor(
    private readonly options: {
      /** Environment of collection children (tests point them at a fixture server). */
      env?: Record<string, string | undefined>;
      kafka?: Kafka;
    } = {},
  ) {
    this.kafka = options.kafka ?? createKafka('operations');
  }

  /** Runs `sluice <args>` in a child; resolves once `started` says so, rejects if the child ends first with an error. */
  private async runCli(args: string[], started: () => Promise<boolean>): Promise<void> {
    const child = spawn(process.execPath, [...collectionNodeFlags(), ...cliCommand(), ...args], {
      env: {
        ...process.env,
        ...this.options.env,
        LOG_LEVEL: this.options.env?.LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.children.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-4000);
    });
    const exited = once(child, 'exit').then(([code]) => {
      this.children.delete(child);
      this.logger.info({ args, code }, 'sluice child ended');
      return code as number | null;
    });
    for (;;) {
      const outcome = await Promise.race([
        exited.then((code) => ({ code })),
        new Promise<undefined>((resolve) => setTimeout(resolve, 200)),
      ]);
      if (await started()) return;
      if (outcome) {
        throw new SluiceError(
          'ING_VALIDATION_FAILED',
          `sluice ${args.join(' ')} ended (exit ${outcome.code}) before starting: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
        );
      }
    }
  }

  private async withStore<T>(work: (store: CollectionRunStore) => Promise<T>): Promise<T> {
    const pool = createPgPool();
    try {
      return await work(new CollectionRunStore(pool));
    } finally {
      await pool.end();
    }
  }

  async startCollection(start: CollectionStart): Promise<string> {
    const runId = start.runId ?? newRunId(start.provider);
    await this.runCli(collectArguments({ ...start, runId }), () =>
      this.withStore((store) =>
        store.get(runId).then(
          () => true,
          () => false,
        ),
      ),
    );
    return runId;
  }

  async resumeCollection(runId: string): Promise<void> {
    const before = await this.withStore((store) => store.get(runId));
    await this.runCli(['collect', 'resume', runId], () =>
      this.withStore(async (store) => {
        const run = await store.get(runId);
        return run.status === 'running' && run.error === null && before.status !== 'running';
      }),
    );
  }

  async cancelCollection(runId: string, reason: string): Promise<void> {
    await cancelRun(runId, reason);
  }

  async replayDeadLetters(
    dlqTopic: string,
    filter: Parameters<PipelineActions['replayDeadLetters']>[1],
    dryRun: boolean,
    progress: (done: number, total: number) => void,
  ) {
    let total = 0;
    return replayDeadLetters(
      this.kafka,
      this.serde,
      dlqTopic,
      { ...filter, dryRun },
      {
        onPlanned: (records) => {
          total = records;
          progress(0, records);
        },
        onPosition: (records) => progress(records, total),
      },
    );
  }

  reprocess(
    pipeline: 'telemetry' | 'pricing',
    from: string,
    progress: (done: number, total: number) => void,
  ) {
    return reprocess(pipeline, from, {
      onPlanned: (records) => progress(0, records),
      onProgress: progress,
    });
  }

  /** Ends the collections this process started (each cancels its run and publishes what it fetched). */
  async close(deadline = Date.now() + 30_000): Promise<void> {
    const running = [...this.children];
    for (const child of running) child.kill('SIGTERM');
    const timer = setTimeout(
      () => {
        for (const child of running) child.kill('SIGKILL');
      },
      Math.max(0, deadline - Date.now()),
    );
    await Promise.all(running.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    clearTimeout(timer);
  }
}

/** Starts the scheduled collections (PRICING_COLLECTION_SCHEDULE) while the platform runs. */
export class CollectionScheduler implements Component {
  readonly name = 'collection-scheduler';
  private jobs: Cron[] = [];
  private lastError?: string;
  private readonly logger = componentLogger('collection-scheduler');

  constructor(
    private readonly actions: PipelineActions,
    private readonly entries = loadSettings(collectionScheduleSettings).schedule,
  ) {}

  async start(): Promise<void> {
    this.jobs = this.entries.map(
      ({ cron, ...start }) =>
        new Cron(cron, { timezone: 'UTC', protect: true }, async () => {
          try {
            const runId = await this.actions.startCollection(start);
            this.lastError = undefined;
            this.logger.info({ runId, cron, provider: start.provider }, 'scheduled collection started');
          } catch (err) {
            this.lastError = describeError(err);
            this.logger.error(
              { cron, provider: start.provider, err: this.lastError },
              'scheduled collection did not start',
            );
          }
        }),
    );
  }

  async stop(): Promise<void> {
    for (const job of this.jobs) job.stop();
    this.jobs = [];
  }

  /** When each schedule runs next. */
  nextRuns(): (Date | null)[] {
    return this.jobs.map((job) => job.nextRun());
  }

  health(): Health {
    return this.lastError
      ? { state: 'degraded', reason: `the last scheduled collection did not start: ${this.lastError}` }
      : { state: 'ready' };
  }
}
