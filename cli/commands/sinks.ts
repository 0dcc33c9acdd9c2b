import type { Command } from 'commander';
import { createClickHouse } from '../../lib/clickhouse.ts';
import { runComponents } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { componentLogger } from '../../lib/logger.ts';
import type { BatchingSink } from '../../sinks/batching-sink.ts';
import { detectFeatures, migrateClickHouse } from '../../sinks/clickhouse/clickhouse-schema.ts';
import { createClickHouseSink } from '../../sinks/clickhouse/clickhouse-sink.ts';
import { clickhouseSinkSettings } from '../../sinks/clickhouse/config.ts';
import { applyRetention } from '../../sinks/clickhouse/retention.ts';
import { createPostgresSink } from '../../sinks/postgres/postgres-sink.ts';
import { done } from '../output.ts';

/** Runs one sink until SIGINT/SIGTERM, restarted when it fails; exits non-zero when it cannot recover. */
async function runSink(name: string, create: () => BatchingSink): Promise<void> {
  process.exitCode = await runComponents([{ name, create }], componentLogger(name));
}

export function registerSinksCommands(program: Command): void {
  const sink = program.command('sink').description('load Kafka topics into a database (runs until Ctrl-C)');
  sink
    .command('postgres')
    .description('normalized telemetry and prices, and the raw archive, into PostgreSQL (exactly once)')
    .action(async () => {
      await runSink('sink-postgres', () => createPostgresSink());
    });
  sink
    .command('clickhouse')
    .description('normalized telemetry (with minute and hour rollups) and prices into ClickHouse')
    .action(async () => {
      await runSink('sink-clickhouse', () => createClickHouseSink());
    });

  const clickhouse = program.command('clickhouse').description('ClickHouse tables of the sink');
  clickhouse
    .command('migrate')
    .description('create or update the sink tables for the server version (also done at sink start)')
    .action(async () => {
      const client = createClickHouse();
      try {
        const features = await detectFeatures(client);
        const applied = await migrateClickHouse(client, features);
        done(
          'clickhouse',
          `server ${features.version}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date'}`,
        );
      } finally {
        await client.close();
      }
    });
  clickhouse
    .command('retention')
    .description('apply SINK_CLICKHOUSE_*RETENTION_DAYS now (TTL, or partition drops on 18.16)')
    .action(async () => {
      const settings = loadSettings(clickhouseSinkSettings);
      const client = createClickHouse();
      try {
        const features = await detectFeatures(client);
        const actions = await applyRetention(client, features, {
          readingsDays: settings.retentionDays,
          rollupDays: settings.rollupRetentionDays,
        });
        done('clickhouse', actions.length > 0 ? actions.join('; ') : 'nothing to expire');
      } finally {
        await client.close();
      }
    });
}
