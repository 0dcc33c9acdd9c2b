import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { runComponents } from '../../lib/component.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka, createProducer } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { type CollectionRequest, openCollection } from '../../producers/pricing-collection/collections.ts';
import { publishRunEvent } from '../../producers/pricing-collection/run-events.ts';
import {
  type CollectionRun,
  CollectionRunStore,
  type RunFilters,
} from '../../producers/pricing-collection/run-store.ts';
import type { CloudProvider } from '../../schemas/types.ts';
import { done, failed, say } from '../output.ts';

function definedFilters(filters: Record<string, string | undefined>): RunFilters {
  return Object.fromEntries(
    Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function summary(run: CollectionRun): string {
  const rate = run.itemsPerSecond === null ? '' : `, ${Math.round(run.itemsPerSecond)} items/s`;
  return `${run.runId} ${run.status}: ${run.pages} pages, ${run.items} items, ${run.published} published, ${run.failed} failed pages${rate}`;
}

/** Runs a collection in this process with a progress bar; Ctrl-C cancels it (what was fetched is still published). */
async function collect(request: CollectionRequest, json: boolean): Promise<void> {
  const logger = componentLogger('collect');
  const kafka = createKafka('pricing-collect');
  const serde = await prepareTopicsAndSchemas(kafka);
  const producer = createProducer(kafka);
  const pool = createPgPool();
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format:
        '{runId} |{bar}| {value}/{total} streams | {pages} pages | {published} items | {rate} items/s | {failed} failed',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  try {
    await producer.connect();
    const collection = await openCollection(
      request,
      { kafka, pool, producer, serde },
      {
        onProgress: ({ run, streamsDone, streamsTotal }) => {
          bar.setTotal(streamsTotal);
          bar.update(streamsDone, {
            pages: run.pages,
            published: run.published,
            failed: run.failed,
            rate: Math.round(run.itemsPerSecond ?? 0),
          });
        },
      },
    );
    const { runId } = collection.run;
    say(
      `collecting ${collection.run.provider} prices as run ${runId} (resume with \`sluice collect resume ${runId}\`)`,
    );
    bar.start(1, 0, {
      runId,
      pages: collection.run.pages,
      published: collection.run.published,
      failed: collection.run.failed,
      rate: 0,
    });
    let ended: CollectionRun;
    try {
      const stop = new AbortController();
      process.exitCode = await runComponents([collection.collector], logger, {
        graceMs: 30_000,
        stopSignal: stop.signal,
        onStarted: () => void collection.collector.finished.finally(() => stop.abort()),
      });
      ended = await collection.collector.finished;
    } finally {
      bar.stop();
      await collection.close();
    }
    if (json) process.stdout.write(`${JSON.stringify(ended, null, 2)}\n`);
    if (ended.status === 'succeeded') done('collect', summary(ended));
    else {
      failed('collect', `${summary(ended)}\n  reason: ${ended.error}`);
      process.exitCode = 1;
    }
  } finally {
    await producer.disconnect();
    await pool.end();
  }
}

function printRuns(runs: CollectionRun[]): void {
  for (const run of runs) {
    process.stdout.write(
      `${run.runId.padEnd(36)} ${run.provider.padEnd(5)} ${run.status.padEnd(9)} ${String(run.published).padStart(9)} items ${String(run.failed).padStart(4)} failed  ${run.startedAt.toISOString()}  ${JSON.stringify(run.filters)}\n`,
    );
  }
}

export function registerCollectCommands(program: Command): void {
  const collectCommand = program
    .command('collect')
    .description('collect cloud price lists into raw.pricing.offers.v1 (runs are recorded and resumable)');

  collectCommand
    .command('azure')
    .description('collect the Azure Retail Prices API')
    .option(
      '--service <names>',
      'serviceName filter; comma-separated names are collected as parallel streams',
    )
    .option('--region <armRegionName>', 'armRegionName filter, e.g. westeurope')
    .option('--price-type <type>', 'priceType filter: Consumption, Reservation or DevTestConsumption')
    .option('--currency <code>', 'currencyCode, e.g. EUR (the API default is USD)')
    .option('--run-id <id>', 'id of the new run (default: generated)')
    .option('--json', 'print the ended run as JSON on stdout')
    .action(
      async (options: {
        service?: string;
        region?: string;
        priceType?: string;
        currency?: string;
        runId?: string;
        json?: boolean;
      }) => {
        const filters = definedFilters({
          serviceName: options.service,
          armRegionName: options.region,
          priceType: options.priceType,
          currencyCode: options.currency,
        });
        await collect(
          { kind: 'new', provider: 'azure', filters, runId: options.runId },
          Boolean(options.json),
        );
      },
    );

  collectCommand
    .command('aws')
    .description('collect AWS prices: bulk offer files (no credentials) or the Price List Query API')
    .option(
      '--service <codes>',
      'service codes, comma-separated, e.g. AmazonEC2,AmazonS3 (bulk default: all)',
    )
    .option('--region <codes>', 'region codes, comma-separated, e.g. us-east-1,eu-west-1')
    .option(
      '--source <source>',
      'bulk (offer files over HTTPS) or query (GetProducts, AWS credentials)',
      'bulk',
    )
    .option('--run-id <id>', 'id of the new run (default: generated)')
    .option('--json', 'print the ended run as JSON on stdout')
    .action(
      async (options: {
        service?: string;
        region?: string;
        source: string;
        runId?: string;
        json?: boolean;
      }) => {
        const filters = definedFilters({
          source: options.source,
          serviceCode: options.service,
          regionCode: options.region,
        });
        await collect({ kind: 'new', provider: 'aws', filters, runId: options.runId }, Boolean(options.json));
      },
    );

  collectCommand
    .command('resume')
    .description('continue a run that was killed, failed or cancelled, from its last acknowledged page')
    .argument('<runId>')
    .option('--json', 'print the ended run as JSON on stdout')
    .action(async (runId: string, options: { json?: boolean }) => {
      await collect({ kind: 'resume', runId }, Boolean(options.json));
    });

  collectCommand
    .command('cancel')
    .description('cancel a running run (its collector stops within seconds, wherever it runs)')
    .argument('<runId>')
    .option('--reason <text>', 'why, recorded on the run', 'cancelled by the operator')
    .action(async (runId: string, options: { reason: string }) => {
      const pool = createPgPool();
      const kafka = createKafka('pricing-collect');
      const producer = createProducer(kafka);
      try {
        const run = await new CollectionRunStore(pool).cancel(runId, options.reason);
        const serde = await prepareTopicsAndSchemas(kafka);
        await producer.connect();
        await publishRunEvent(producer, serde, run);
        done('collect', `${runId} cancelled`);
      } finally {
        await producer.disconnect();
        await pool.end();
      }
    });

  collectCommand
    .command('runs')
    .description('recent collection runs')
    .option('--provider <provider>', 'aws or azure')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'machine-readable output')
    .action(async (options: { provider?: string; limit: string; json?: boolean }) => {
      if (options.provider && !['aws', 'azure'].includes(options.provider)) {
        throw new SluiceError(
          'ING_CONFIG_INVALID',
          `--provider must be aws or azure, not ${options.provider}`,
        );
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new SluiceError('ING_CONFIG_INVALID', '--limit must be a positive integer');
      const pool = createPgPool();
      try {
        const runs = await new CollectionRunStore(pool).list(
          limit,
          options.provider as CloudProvider | undefined,
        );
        if (options.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        else printRuns(runs);
      } finally {
        await pool.end();
      }
    });

  collectCommand
    .command('show')
    .description('one run with its failed pages and their errors')
    .argument('<runId>')
    .option('--json', 'machine-readable output')
    .action(async (runId: string, options: { json?: boolean }) => {
      const pool = createPgPool();
      try {
        const store = new CollectionRunStore(pool);
        const run = await store.get(runId);
        const failedPages = await store.failedPages(runId);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ...run, failedPages }, null, 2)}\n`);
          return;
        }
        printRuns([run]);
        if (run.error) process.stdout.write(`  error: ${run.error}\n`);
        for (const page of failedPages) {
          process.stdout.write(
            `  failed ${page.stream} page ${page.page} (${page.attempts} attempts): ${page.error}\n`,
          );
        }
      } finally {
        await pool.end();
      }
    });
}
