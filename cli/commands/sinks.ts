import type { Command } from 'commander';
import {
  type ClickHouseLayout,
  clickhouseSettings,
  createClickHouse,
  detectFeatures,
} from '../../lib/clickhouse.ts';
import { loadSettings } from '../../lib/config.ts';
import { migrateClickHouse } from '../../sinks/clickhouse/clickhouse-schema.ts';
import { clickhouseSinkSettings } from '../../sinks/clickhouse/config.ts';
import { applyRetention } from '../../sinks/clickhouse/retention.ts';
import { done } from '../output.ts';

/** The ClickHouse connection and layout of the settings, with the cluster of `--cluster` over CLICKHOUSE_CLUSTER. */
function clickhouseTarget(cluster?: string) {
  const settings = loadSettings(clickhouseSettings);
  const layout: ClickHouseLayout = {
    database: settings.database,
    cluster: (cluster ?? settings.cluster) || undefined,
  };
  return { client: createClickHouse({ ...settings, cluster: layout.cluster ?? '' }), layout };
}

export async function migrateClickHouseTables(cluster?: string): Promise<void> {
  const { client, layout } = clickhouseTarget(cluster);
  try {
    const features = await detectFeatures(client);
    const applied = await migrateClickHouse(client, features, layout);
    const where = layout.cluster ? ` (cluster ${layout.cluster})` : '';
    done(
      'clickhouse',
      `server ${features.version}${where}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'schema up to date'}`,
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
    .option(
      '--cluster <name>',
      'on this cluster (remote_servers name): replicated tables per shard, Distributed tables in front (default: CLICKHOUSE_CLUSTER)',
    )
    .action(({ cluster }: { cluster?: string }) => migrateClickHouseTables(cluster));
  clickhouse
    .command('retention')
    .description('apply SINK_CLICKHOUSE_*RETENTION_DAYS now (TTL, or partition drops on 18.16)')
    .action(async () => {
      const settings = loadSettings(clickhouseSinkSettings);
      const { client, layout } = clickhouseTarget();
      try {
        const features = await detectFeatures(client);
        const actions = await applyRetention(
          client,
          features,
          { readingsDays: settings.retentionDays, rollupDays: settings.rollupRetentionDays },
          layout,
        );
        done('clickhouse', actions.length > 0 ? actions.join('; ') : 'nothing to expire');
      } finally {
        await client.close();
      }
    });
}
