import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { settingsCatalogue } from '../lib/config.ts';
import { migrate } from '../lib/db/migrate.ts';
import { describeError, SluiceError } from '../lib/errors.ts';
import { createKafka } from '../lib/kafka.ts';
import { logToStderr } from '../lib/logger.ts';
import { createPgPool } from '../lib/postgres.ts';
import { reasonsMarkdown } from '../lib/reasons.ts';
import { registerApiCommands } from './commands/api.ts';
import { registerCollectCommands } from './commands/collect.ts';
import { registerProcessorsCommands } from './commands/processors.ts';
import { registerProducersCommands } from './commands/producers.ts';
import { registerRunCommands } from './commands/run.ts';
import { registerSchemaCommands } from './commands/schemas.ts';
import { migrateClickHouseTables, registerSinksCommands } from './commands/sinks.ts';
import {
  configMarkdown,
  configText,
  validateConnectionSettings,
  warnUnknownVariables,
} from './config-docs.ts';
import { done, red, say } from './output.ts';
import {
  copyableComponents,
  oneProcessHelp,
  type PlatformOptions,
  parseInstanceCounts,
  platformDown,
  platformUp,
} from './platform.ts';
import { runBenchmarks, runTests, runUnitTests } from './runners.ts';
import { localStack, serviceNames, stackDown, stackStatus, stackUp } from './stack/stack.ts';

const program = new Command('sluice')
  .description('Stream ingestion on Apache Kafka: telemetry and price lists into PostgreSQL and ClickHouse.')
  .showHelpAfterError()
  .hook('preAction', (_program, command) => {
    // stdout carries the command's JSON: log lines go beside it
    if (command.opts().json) logToStderr();
    warnUnknownVariables();
  });

const stack = program
  .command('stack')
  .description(`local servers under .sluice/ (${serviceNames.join(', ')})`);

stack
  .command('up')
  .description('start the servers that are not running and wait until they answer')
  .argument('[services...]', 'only these services')
  .action(async (services: string[]) => {
    validateConnectionSettings();
    await stackUp(services);
  });

stack
  .command('down')
  .description('stop the servers sluice started (data is kept)')
  .argument('[services...]', 'only these services')
  .action(async (services: string[]) => {
    await stackDown(services);
  });

stack
  .command('status')
  .description('each service with its URL and state')
  .option('--json', 'machine-readable output')
  .action(async ({ json }: { json?: boolean }) => {
    const statuses = await stackStatus();
    if (json) {
      process.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      return;
    }
    for (const s of statuses) {
      const extra = [s.detail, s.pid ? `pid ${s.pid}` : undefined].filter(Boolean).join(', ');
      process.stdout.write(
        `${s.name.padEnd(11)} ${s.state.padEnd(9)} ${s.url}${extra ? `  (${extra})` : ''}\n`,
      );
    }
  });

stack
  .command('logs')
  .description('show (and follow) the servers’ logs')
  .argument('[services...]', 'only these services')
  .option('-f, --follow', 'keep printing new lines')
  .option('-n, --lines <n>', 'lines of history per log', '40')
  .action(async (services: string[], { follow, lines }: { follow?: boolean; lines: string }) => {
    const files = localStack()
      .filter((s) => services.length === 0 || services.includes(s.name))
      .map((s) => s.logFile)
      .filter((file) => existsSync(file));
    if (files.length === 0)
      throw new SluiceError('ING_CONFIG_INVALID', 'no logs yet: run `sluice stack up` first');
    const child = spawn('tail', ['-n', lines, ...(follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
    await new Promise((resolveExit) => child.once('exit', resolveExit));
  });

program
  .command('up')
  .description('start the local stack and the whole platform (API, dashboard, demo producer)')
  .option('-d, --detach', 'run in the background; stop with `sluice down`')
  .option('--no-demo', 'do not start the demo producer')
  .option(
    '--instances <counts>',
    `copies of components, e.g. processor-telemetry=2,sink-clickhouse=2 (${copyableComponents.join(', ')})`,
    parseInstanceCounts,
  )
  .option('--one-process', oneProcessHelp)
  .action(async ({ detach, ...options }: PlatformOptions & { detach?: boolean }) => {
    validateConnectionSettings();
    await platformUp({ detach: Boolean(detach), ...options });
  });

program
  .command('down')
  .description('stop the platform and every server sluice started')
  .action(async () => {
    await platformDown();
  });

async function migratePostgres(): Promise<void> {
  const pool = createPgPool(undefined, 'owner');
  try {
    const applied = await migrate(pool);
    done('db', applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date');
  } finally {
    await pool.end();
  }
}

program
  .command('db')
  .description('PostgreSQL schema')
  .command('migrate')
  .description('apply the numbered migrations in lib/db/migrations that are not applied yet')
  .action(migratePostgres);

program
  .command('migrate')
  .description(
    'PostgreSQL and ClickHouse tables, Kafka topics, Avro schemas: what a deployment runs before its components',
  )
  .action(async () => {
    await migratePostgres();
    await migrateClickHouseTables();
    await prepareTopicsAndSchemas(createKafka('migrate'));
    done('kafka', 'topics exist, schemas registered');
  });

program
  .command('config')
  .description('every setting: environment variable, default and meaning')
  .option('--markdown', 'as the table in docs/configuration.md')
  .action(({ markdown }: { markdown?: boolean }) => {
    process.stdout.write(markdown ? configMarkdown(settingsCatalogue()) : configText(settingsCatalogue()));
  });

program
  .command('reasons')
  .description(
    'every reason code Sluice refuses something with, its kind and meaning (the table in docs/reasons.md)',
  )
  .action(() => {
    process.stdout.write(reasonsMarkdown());
  });

program
  .command('test')
  .description(
    'run the tests that need no servers, then start the local stack if needed, run the others, stop what was started',
  )
  .argument('[files...]', 'only these test files')
  .option('--unit', 'only the tests that need no servers (*.unit.test.ts)')
  .action(async (files: string[], { unit }: { unit?: boolean }) => {
    process.exitCode = unit ? await runUnitTests() : await runTests(files);
  });

program
  .command('bench')
  .description('start the local stack if needed and run the benchmarks in bench/ (all, or those named)')
  .argument('[names...]', 'benchmark names (file names without .bench.ts)')
  .action(async (names: string[]) => {
    process.exitCode = await runBenchmarks(names);
  });

registerRunCommands(program);
registerSchemaCommands(program);
registerSinksCommands(program);
registerProducersCommands(program);
registerProcessorsCommands(program);
registerCollectCommands(program);
registerApiCommands(program);

try {
  await program.parseAsync();
} catch (err) {
  const verbose = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  say(`${red('sluice:')} ${describeError(err)}`);
  if (verbose && err instanceof Error) say(err.stack ?? '');
  process.exitCode = err instanceof SluiceError && err.code === 'ING_CONFIG_INVALID' ? 2 : 1;
  // what a failed command leaves open (a Kafka connection of a component that did not start) must not keep it running
  process.exit();
}
