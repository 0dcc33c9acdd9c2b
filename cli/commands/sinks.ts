import type { Command } from 'commander';
import { createClickHouse } from '../../lib/clickhouse.ts';
import { loadSettings } from '../../lib/config.ts';
import { detectFeatures, migrateClickHouse } from '../../sinks/clickhouse/clickhouse-schema.ts';
import { clickhouseSinkSettings } from '../../sinks/clickhouse/config.ts';
import { applyRetention } from '../../sinks/clickhouse/retention.ts';
import { done } from '../output.ts';

export async function migrateClickHouseTables(): Promise<void> {
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
}

export function registerSinksCommands(program: Command): void {
  const clickhouse = program.command('clickhouse').description('ClickHouse tables of the sink');
  clickhouse
    .command('migrate')
    .description('create or update the sink tables for the server version (also done at sink start)')
    .action(migrateClickHouseTables);
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
