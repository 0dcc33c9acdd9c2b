import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PriceRecord } from '../schemas/types.ts';
import {
  awsBulkPrices,
  awsQueryPrices,
  azureEurPrices,
  azureUsdPrices,
  type ExpectedPrice,
} from './pricing-expected.ts';
import { bySkuAndCurrency, PricingPipelineHarness } from './pricing-pipeline-harness.ts';
import { uniqueSuffix } from './support.ts';

/**
 * Every source end to end, as a user runs it: the fixture server (the providers' documented shapes)
 * → `sluice collect` → the running `sluice run processor pricing` → `sluice run sink postgres` and `sluice sink
 * clickhouse`, and each fixture price checked in both databases by value.
 */
describe('pricing end to end: fixture server → sluice collect → processor → PostgreSQL and ClickHouse', {
  timeout: 600_000,
}, () => {
  let pipeline: PricingPipelineHarness;
  const ofAzure = (currency: string) => ({
    postgres: `provider = 'azure' AND original_currency = '${currency}'`,
    clickhouse: `provider = 'azure' AND original_currency = '${currency}'`,
  });

  before(async () => {
    pipeline = await PricingPipelineHarness.start(`e2e_${uniqueSuffix()}`);
  });

  after(async () => {
    await pipeline.stop();
  });

  /** Both sinks hold exactly the expected prices matching `where`, once each, with their values. */
  async function assertLoaded(expected: ExpectedPrice[], where: { postgres: string; clickhouse: string }) {
    await pipeline.pricesLoaded(expected.length, where);
    assert.deepEqual(await pipeline.postgresPrices(where.postgres), bySkuAndCurrency(expected), 'PostgreSQL');
    assert.deepEqual(
      await pipeline.clickhousePrices(where.clickhouse),
      bySkuAndCurrency(expected),
      'ClickHouse FINAL',
    );
  }

  async function assertDeadLettersEmpty() {
    assert.deepEqual(await pipeline.records(pipeline.topics.dlq), [], 'valid input leaves the DLQ empty');
  }

  it('Azure in USD: every price (items, tiers, zero prices, reservations, savings plans) in both sinks', async () => {
    const run = await pipeline.collect(['azure', '--run-id', `${pipeline.name}-azure-usd`]);
    assert.equal(run.code, 0, `${run.stderr}\n${pipeline.logs()}`);
    // 16 items on 2 pages (page 2 repeats page 1's last) and 2 savings plans: 19 events, 18 prices
    assert.match(run.stderr, /succeeded: 2 pages, 19 items, 19 published/);
    assert.match(run.stderr, /processed: 18 normalized, 0 dead-lettered, 1 already known/);
    await assertLoaded(azureUsdPrices, ofAzure('USD'));
    await assertDeadLettersEmpty();
    const record = await pipeline.store.get(`${pipeline.name}-azure-usd`);
    assert.deepEqual(
      [record.processing?.normalized, record.processing?.deadLettered, record.processing?.duplicates],
      [18, 0, 1],
    );
  });

  it('Azure in EUR after USD: EUR prices beside the USD ones, which stay as they were everywhere', async () => {
    const usdNow = `effective_to IS NULL AND provider = 'azure' AND original_currency = 'USD'`;
    const currentUsd = async () =>
      (await pipeline.pool.query(`SELECT * FROM pricing_current WHERE ${usdNow} ORDER BY event_id`)).rows;
    const clickhouseUsd = () =>
      pipeline.clickhouseRows(
        `SELECT * FROM pricing_prices FINAL WHERE provider = 'azure' AND original_currency = 'USD' ORDER BY event_id`,
      );
    const usdRecords = async () =>
      (await pipeline.records(pipeline.topics.normalized))
        .filter((record) => record.key?.toString().includes('|USD|'))
        .map((record) => `${record.key?.toString()} ${record.value?.toString('base64')}`)
        .sort();
    const before = {
      postgres: await currentUsd(),
      clickhouse: await clickhouseUsd(),
      topic: await usdRecords(),
    };
    assert.equal(before.postgres.length, azureUsdPrices.length);

    const run = await pipeline.collect([
      'azure',
      '--currency',
      'EUR',
      '--run-id',
      `${pipeline.name}-azure-eur`,
    ]);
    assert.equal(run.code, 0, `${run.stderr}\n${pipeline.logs()}`);
    assert.match(run.stderr, /processed: 18 normalized, 0 dead-lettered, 1 already known/);
    await assertLoaded(azureEurPrices, ofAzure('EUR'));
    const { rows: eur } = await pipeline.pool.query<{
      usd_rate: string;
      usd_rate_date: Date;
      original_amount: string;
    }>(
      `SELECT usd_rate::text, usd_rate_date, original_amount::text FROM pricing_current WHERE original_currency = 'EUR'`,
    );
    assert.equal(eur.length, azureEurPrices.length, 'every EUR price is current beside its USD twin');
    for (const row of eur) assert.equal(Number(row.usd_rate), 1.08);

    assert.deepEqual(await currentUsd(), before.postgres, 'pricing_current keeps every USD price as it was');
    assert.deepEqual(
      await clickhouseUsd(),
      before.clickhouse,
      'ClickHouse FINAL keeps every USD price as it was',
    );
    assert.deepEqual(
      await usdRecords(),
      before.topic,
      'the normalized topic holds the USD prices as they were',
    );
    await assertDeadLettersEmpty();
  });

  it('collecting the same catalogue again adds nothing downstream', async () => {
    const counts = async () => ({
      topic: (await pipeline.records(pipeline.topics.normalized)).length,
      postgres: Number((await pipeline.pool.query('SELECT count(*) AS n FROM pricing_prices')).rows[0]?.n),
      clickhouse: Number(
        (await pipeline.clickhouseRows<{ n: string }>('SELECT toString(count()) AS n FROM pricing_prices'))[0]
          ?.n,
      ),
    });
    const before = await counts();
    const run = await pipeline.collect(['azure', '--run-id', `${pipeline.name}-azure-usd-again`]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /processed: 0 normalized, 0 dead-lettered, 19 already known/);
    assert.deepEqual(await counts(), before);
  });

  it('AWS Price List Query API: three GetProducts pages through NextToken, every price in both sinks', async () => {
    const run = await pipeline.collect([
      'aws',
      '--source',
      'query',
      '--service',
      'AmazonEC2',
      '--run-id',
      `${pipeline.name}-aws-query`,
    ]);
    assert.equal(run.code, 0, `${run.stderr}\n${pipeline.logs()}`);
    assert.match(run.stderr, /succeeded: 3 pages, 9 items, 9 published/);
    assert.match(run.stderr, /processed: 9 normalized, 0 dead-lettered, 0 already known/);
    const where = `collection_id = '${pipeline.name}-aws-query'`;
    await assertLoaded(awsQueryPrices, { postgres: where, clickhouse: where });
    assert.deepEqual(
      pipeline.fixture.requestsOf('aws-query').map((request) => request.page),
      [0, 1, 2],
    );
    await assertDeadLettersEmpty();
  });

  it('AWS bulk offer files: offer index → region indexes → per-region files, every price in both sinks', async () => {
    const run = await pipeline.collect([
      'aws',
      '--service',
      'AmazonEC2,AmazonS3',
      '--run-id',
      `${pipeline.name}-aws-bulk`,
    ]);
    assert.equal(run.code, 0, `${run.stderr}\n${pipeline.logs()}`);
    assert.match(run.stderr, /20 items, 20 published/);
    assert.match(run.stderr, /processed: 20 normalized, 0 dead-lettered, 0 already known/);
    const where = `collection_id = '${pipeline.name}-aws-bulk'`;
    await assertLoaded(awsBulkPrices, { postgres: where, clickhouse: where });
    // comparison attributes reach the tables
    const { rows } = await pipeline.pool.query<Pick<PriceRecord, 'instanceType'> & Record<string, unknown>>(
      `SELECT instance_type, vcpu, memory_gib, operating_system, tenancy, purchase_option, offering_class, amortized
       FROM pricing_prices WHERE ${where} AND sku LIKE 'G7Z7NVFGR3PVR5BN/NQ3QZPMQV9/%.2TG2D8R56U'`,
    );
    assert.deepEqual(rows, [
      {
        instance_type: 'm5.large',
        vcpu: 2,
        memory_gib: 8,
        operating_system: 'Linux',
        tenancy: 'Shared',
        purchase_option: 'All Upfront',
        offering_class: 'convertible',
        amortized: true,
      },
    ]);
    await assertDeadLettersEmpty();
  });
});
