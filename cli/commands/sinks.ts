import type { Command } from 'commander';
import { runComponents } from '../../lib/component.ts';
import { componentLogger } from '../../lib/logger.ts';
import type { BatchingSink } from '../../sinks/batching-sink.ts';
import { createPostgresSink } from '../../sinks/postgres/postgres-sink.ts';

/** Runs one sink until SIGINT/SIGTERM; exits non-zero when it stopped on a fatal error. */
async function runSink(sink: BatchingSink): Promise<void> {
  await runComponents([sink], componentLogger(sink.name), { stopSignal: sink.failed });
  if (sink.failed.aborted) process.exitCode = 1;
}

export function registerSinksCommands(program: Command): void {
  const sink = program.command('sink').description('load Kafka topics into a database (runs until Ctrl-C)');
  sink
    .command('postgres')
    .description('normalized telemetry and prices, and the raw archive, into PostgreSQL (exactly once)')
    .action(async () => {
      await runSink(createPostgresSink());
    });
}
