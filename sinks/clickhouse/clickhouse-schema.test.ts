import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  type ClickHouseFeatures,
  clickhouseSettings,
  createClickHouse,
  detectFeatures,
} from '../../lib/clickhouse.ts';
import { environment, loadSettings } from '../../lib/config.ts';
import { localClickHouseAdmin, uniqueSuffix } from '../../test/support.ts';
import { clickhouseMigrations, migrateClickHouse } from './clickhouse-schema.ts';

/**
 * Migration 2 on the server at hand (18.16 here): a pricing_prices made by migration 1, ordered
 * without currency and purchase option, holding rows, becomes one ordered by the whole identity with
 * every row kept, its progress view working again, and running it again changes nothing.
 */
describe('ClickHouse migration 2: pricing_prices ordered by the price identity', { timeout: 120_000 }, () => {
  const database = `sluice_migration_${uniqueSuffix()}`;
  let server: ClickHouseClient;
  let client: ClickHouseClient;
  let features: ClickHouseFeatures;

  async function rows<T>(query: string): Promise<T[]> {
    return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
  }

  async function insert(table: string, lines: object[]): Promise<void> {
    const result = await client.exec({
      query: `INSERT INTO ${table} FORMAT JSONEachRow`,
      values: Readable.from([lines.map((line) => JSON.stringify(line)).join('\n')]),
    });
    for await (const _ of result.stream) {
      // drained
    }
  }

  before(async () => {
    // the sinks' user stops at the sluice database: a database of its own needs the local admin
    const settings = { ...loadSettings(clickhouseSettings, environment()), ...localClickHouseAdmin() };
    server = createClickHouse(settings);
    await server.command({ query: `CREATE DATABASE ${database}` });
    client = createClickHouse({ ...settings, database });
    features = await detectFeatures(client);
  });

  after(async () => {
    await client.close();
    await server.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await server.close();
  });

  it('keeps every row, orders by provider, sku, region, currency, type, term, purchase option, tier', async () => {
    // a database at migration 1, as an earlier Sluice left it
    await migrateClickHouse(client, features, { database }, clickhouseMigrations.slice(0, 1));
    const usd = {
      event_id: 'e-usd',
      provider: 'azure',
      service: 'Virtual Machines',
      category: 'COMPUTE_WEB',
      region: 'us-east',
      region_name: 'US East',
      sku: 'meter/sku/Consumption//0',
      unit: 'hour',
      original_currency: 'USD',
      original_unit: '1 Hour',
      price_type: 'on_demand',
      term: '',
      tier_start: 0,
      effective_from: 1_714_521_600,
      collection_id: 'run-1',
      fetched_at: 1_714_521_600,
      processed_at: 1_714_521_600,
      kafka_topic: 'normalized.pricing.prices.v1',
      kafka_partition: 0,
      kafka_offset: 1,
      price_per_unit_usd: 0.096,
      original_amount: 0.096,
    };
    const eur = {
      ...usd,
      event_id: 'e-eur',
      original_currency: 'EUR',
      kafka_offset: 2,
      original_amount: 0.0889,
    };
    await insert('pricing_prices', [usd, eur]);
    const finalCount = async () =>
      Number((await rows<{ n: string }>('SELECT toString(count()) AS n FROM pricing_prices FINAL'))[0]?.n);
    assert.equal(await finalCount(), 1, 'under migration 1 the EUR twin replaces the USD price in FINAL');

    assert.deepEqual(await migrateClickHouse(client, features, { database }), [
      '2 pricing_prices ordered by the whole price identity, with comparison attributes',
    ]);
    const [table] = await rows<{ sorting_key: string }>(
      `SELECT sorting_key FROM system.tables WHERE database = '${database}' AND name = 'pricing_prices'`,
    );
    assert.equal(
      table?.sorting_key,
      'provider, sku, region, original_currency, price_type, term, purchase_option, tier_start, effective_from',
    );
    assert.equal(await finalCount(), 2, 'both prices, kept apart by their currency');
    const currencies = await rows<{ original_currency: string; event_id: string }>(
      'SELECT original_currency, event_id FROM pricing_prices FINAL ORDER BY event_id',
    );
    assert.deepEqual(currencies, [
      { original_currency: 'EUR', event_id: 'e-eur' },
      { original_currency: 'USD', event_id: 'e-usd' },
    ]);
    const leftovers = await rows<{ name: string }>(
      `SELECT name FROM system.tables WHERE database = '${database}' AND name LIKE 'pricing_prices_v%'`,
    );
    assert.deepEqual(leftovers, []);

    // the progress view reads the new table: a row inserted now moves its partition's offset
    await insert('pricing_prices', [
      { ...usd, event_id: 'e-new', kafka_offset: 41, purchase_option: 'No Upfront' },
    ]);
    const progress = await rows<{ next: string }>(
      `SELECT toString(maxMerge(next_offset)) AS next FROM sink_progress
       WHERE source_table = 'pricing_prices' AND kafka_topic = 'normalized.pricing.prices.v1'`,
    );
    assert.deepEqual(progress, [{ next: '42' }]);

    // a migration that died half-way (a leftover table), or that runs again, changes nothing
    await client.command({ query: 'CREATE TABLE pricing_prices_v1 (x UInt8) ENGINE = Memory' });
    await clickhouseMigrations[1]?.apply(client, features);
    assert.equal(await finalCount(), 3);
    assert.deepEqual(
      await rows(
        `SELECT name FROM system.tables WHERE database = '${database}' AND name LIKE 'pricing_prices_v%'`,
      ),
      [],
    );
  });
});
