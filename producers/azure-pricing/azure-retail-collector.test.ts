import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SluiceError } from '../../lib/errors.ts';
import { keyPartition } from '../../lib/kafka.ts';
import { topics } from '../../schemas/catalog.ts';
import { azureRetailPages, type Fixture } from '../../schemas/fixtures/pricing/index.ts';
import type { AzureRetailPage } from '../../schemas/pricing/azure-retail-prices.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { PricingFixtureServer } from '../../test/pricing-fixture-server.ts';
import { CollectionHarness, fixtureEnv } from '../../test/pricing-support.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { CollectionRunStore } from '../pricing-collection/run-store.ts';
import { azureFirstPageQuery, azurePageOffers, pageQuery, parseAzureFilters } from './azure-retail-source.ts';

describe('Azure Retail Prices pages (pure)', () => {
  it('builds the documented first-page query (OData filters and currency), without the host', () => {
    const query = azureFirstPageQuery(
      { apiVersion: '2023-01-01-preview' },
      { armRegionName: 'westeurope', priceType: 'Consumption', currencyCode: 'EUR' },
      "Azure App Service's",
    );
    assert.equal(
      query,
      "api-version=2023-01-01-preview&currencyCode='EUR'&$filter=" +
        encodeURIComponent(
          "serviceName eq 'Azure App Service''s' and armRegionName eq 'westeurope' and priceType eq 'Consumption'",
        ),
    );
    const nextPageLink = azureRetailPages.USD[0]?.body.NextPageLink ?? '';
    assert.equal(pageQuery(nextPageLink), 'api-version=2023-01-01-preview&$skip=7');
  });

  it('rejects unknown filters and bad values with a clear error', () => {
    assert.throws(
      () => parseAzureFilters({ currencyCode: 'euro' }),
      /currencyCode: expected an ISO 4217 code/,
    );
    assert.throws(
      () => parseAzureFilters({ sku: 'x' }),
      (err: SluiceError) => err.code === 'ING_VALIDATION_FAILED',
    );
  });

  it('keeps each item verbatim, adds an event per savings plan, with deterministic ids per currency', () => {
    const context = { runId: 'r1', url: 'https://page1', page: 1, apiVersion: 'v', fetchedAt: 1 };
    const [usd, eur] = [azureRetailPages.USD[0], azureRetailPages.EUR[0]] as Fixture<AzureRetailPage>[];
    const first = azurePageOffers(usd as Fixture<AzureRetailPage>, context);
    const again = azurePageOffers(usd as Fixture<AzureRetailPage>, { ...context, runId: 'r2', fetchedAt: 2 });
    const inEur = azurePageOffers(eur as Fixture<AzureRetailPage>, context);
    assert.equal(first.nextPageLink, usd?.body.NextPageLink);
    // 7 items, the first with two savingsPlan entries
    assert.equal(first.offers.length, 9);
    for (const offer of first.offers)
      assert.ok(usd?.text.includes(offer.item), 'the item as the API wrote it');
    const [item] = usd?.body.Items ?? [];
    assert.deepEqual(
      first.offers.slice(0, 3).map((offer) => [offer.sku, offer.attributes.savingsPlanTerm]),
      [
        [`${item?.meterId}/${item?.skuId}/Consumption//0`, undefined],
        [`${item?.meterId}/${item?.skuId}/SavingsPlan/3 Years/0`, '3 Years'],
        [`${item?.meterId}/${item?.skuId}/SavingsPlan/1 Year/0`, '1 Year'],
      ],
    );
    assert.deepEqual(
      first.offers.map((o) => o.eventId),
      again.offers.map((o) => o.eventId),
    );
    assert.equal(new Set(first.offers.map((o) => o.eventId)).size, 9);
    // the same meter in EUR is another price: another id, same sku
    assert.deepEqual(
      inEur.offers.map((o) => o.sku),
      first.offers.map((o) => o.sku),
    );
    assert.equal(new Set([...first.offers, ...inEur.offers].map((o) => o.eventId)).size, 18);
    assert.equal(first.offers[0]?.region, 'eastus');
  });

  it('fails a page that is not a Retail Prices page', () => {
    const context = { runId: 'r', url: 'https://p', page: 1, apiVersion: 'v', fetchedAt: 1 };
    assert.throws(
      () => azurePageOffers({ text: '{"value":[]}', body: { value: [] } }, context),
      (err: SluiceError) => err.code === 'ING_PRICING_PAGE_INVALID' && /no Items array/.test(err.message),
    );
    assert.throws(
      () => azurePageOffers({ text: '{"Items":[{"x":1}]}', body: { Items: [{ x: 1 }] } }, context),
      /item 0 of https:\/\/p has no meterId/,
    );
  });
});

describe('Azure collector against the fixture server, Kafka and PostgreSQL', () => {
  let fixture: PricingFixtureServer;
  let harness: CollectionHarness;
  before(async () => {
    fixture = await PricingFixtureServer.start({ synthetic: { azurePages: 6, azureItemsPerPage: 50 } });
    harness = await CollectionHarness.start();
  });
  after(async () => {
    await harness.close();
    await fixture.close();
  });

  it('publishes every item of every page once, through a 429 with Retry-After and a dropped connection', async (t) => {
    fixture.requests.length = 0;
    fixture.inject('azure', { kind: 'throttle', retryAfterSeconds: 2 }, { page: 2 });
    fixture.inject('azure', { kind: 'drop' }, { page: 4 });
    const runId = `test-azure-${uniqueSuffix()}`;
    const from = await harness.endOffsets();
    const run = await harness.collect(
      {
        kind: 'new',
        provider: 'azure',
        runId,
        filters: { serviceName: 'Virtual Machines', currencyCode: 'EUR' },
      },
      { env: fixtureEnv(fixture) },
    );
    const to = await harness.endOffsets();
    const page2 = fixture.requestsOf('azure').filter((r) => r.page === 2);
    t.diagnostic(
      `page 2: 429 then retried after ${(page2[1]?.at ?? 0) - (page2[0]?.at ?? 0)} ms (Retry-After: 2)`,
    );
    assert.ok((page2[1]?.at ?? 0) - (page2[0]?.at ?? 0) >= 2000);
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.deepEqual([run.pages, run.items, run.published, run.failed], [6, 300, 300, 0]);
    const offers = await harness.offersOf(runId, from, to);
    assert.equal(new Set(offers.map((o) => o.eventId)).size, 300);
    const sample = JSON.parse(offers[0]?.item ?? '{}') as Record<string, unknown>;
    for (const field of [
      'currencyCode',
      'tierMinimumUnits',
      'retailPrice',
      'unitPrice',
      'armRegionName',
      'meterId',
      'effectiveStartDate',
    ]) {
      assert.ok(field in sample, `item keeps ${field}`);
    }
    assert.equal(sample.currencyCode, 'EUR');

    // keyed provider|sku|region, on the partition the Java client would pick for that key
    const events = await harness.read<RawPriceOffer>(
      topics.rawPricing.topic,
      from,
      to,
      (o) => o.collectionId === runId,
    );
    const partitions = (await harness.endOffsets()).size;
    for (const { key, partition, value } of events) {
      assert.equal(key, `azure|${value.sku}|${value.region ?? ''}`);
      assert.equal(partition, keyPartition(Buffer.from(key ?? ''), partitions));
    }
  });

  it('records a truncated page as a failed page, not a crash, and a resume finishes the run', async () => {
    for (const kind of ['truncated', 'not-json'] as const) {
      fixture.clearFaults();
      fixture.inject('azure', { kind }, { page: 3 });
      const runId = `test-azure-${kind}-${uniqueSuffix()}`;
      const from = await harness.endOffsets();
      const failed = await harness.collect(
        { kind: 'new', provider: 'azure', runId, filters: {} },
        { env: fixtureEnv(fixture) },
      );
      assert.equal(failed.status, 'failed');
      assert.match(
        failed.error ?? '',
        /1 of 1 streams failed \(resume retries them\): all services page 4: body of .* is not valid JSON/,
      );
      assert.deepEqual([failed.pages, failed.published, failed.failed], [3, 150, 1]);
      const store = new CollectionRunStore(harness.pool);
      const [failedPage] = await store.failedPages(runId);
      assert.equal(failedPage?.page, 4);
      assert.match(
        failedPage?.error ?? '',
        /^ING_PRICING_PAGE_INVALID: body of http:\/\/127\.0\.0\.1:\d+\/api\/retail\/prices\?.*\$skip=150 is not valid JSON/,
      );

      const resumed = await harness.collect({ kind: 'resume', runId }, { env: fixtureEnv(fixture) });
      const to = await harness.endOffsets();
      assert.equal(resumed.status, 'succeeded', resumed.error ?? '');
      assert.deepEqual([resumed.pages, resumed.published], [6, 300]);
      assert.deepEqual(await store.failedPages(runId), []);
      const offers = await harness.offersOf(runId, from, to);
      assert.equal(offers.length, 300, 'nothing acknowledged before the failure was published again');
      assert.equal(new Set(offers.map((o) => o.eventId)).size, 300);
    }
  });

  it('fails the run with the circuit-open reason after 10 consecutive 500s', async (t) => {
    fixture.clearFaults();
    fixture.requests.length = 0;
    fixture.inject('azure', { kind: 'status', status: 500 }, { page: 1, times: 100 });
    const runId = `test-azure-circuit-${uniqueSuffix()}`;
    const run = await harness.collect(
      { kind: 'new', provider: 'azure', runId, filters: {} },
      { env: fixtureEnv(fixture, { AZURE_PRICING_RETRIES: '30' }) },
    );
    t.diagnostic(`run ${run.status}: ${run.error}`);
    assert.equal(run.status, 'failed');
    assert.match(
      run.error ?? '',
      /^circuit open: 10 consecutive failed requests to 127\.0\.0\.1:\d+ \(last: HTTP 500/,
    );
    assert.equal(fixture.requestsOf('azure').filter((r) => r.page === 1).length, 10);
    assert.deepEqual([run.pages, run.published], [1, 50]);
    fixture.clearFaults();
  });

  it('resumes from the endpoint configured now: the checkpoint keeps the position, not the host', async () => {
    // the first attempt's endpoint breaks at page 4 (here: a second server), the resume is pointed elsewhere
    const broken = await PricingFixtureServer.start({ synthetic: { azurePages: 6, azureItemsPerPage: 50 } });
    try {
      broken.inject('azure', { kind: 'not-json' }, { page: 3, times: 100 });
      fixture.clearFaults();
      fixture.requests.length = 0;
      const runId = `test-azure-endpoint-${uniqueSuffix()}`;
      const from = await harness.endOffsets();
      const failed = await harness.collect(
        { kind: 'new', provider: 'azure', runId, filters: {} },
        { env: fixtureEnv(broken) },
      );
      assert.equal(failed.status, 'failed');
      const brokenRequests = broken.requests.length;
      const resumed = await harness.collect({ kind: 'resume', runId }, { env: fixtureEnv(fixture) });
      const to = await harness.endOffsets();
      assert.equal(resumed.status, 'succeeded', resumed.error ?? '');
      assert.equal(broken.requests.length, brokenRequests, 'the old host is not asked again');
      assert.deepEqual(
        fixture.requestsOf('azure').map((request) => request.page),
        [3, 4, 5],
        'the new host is asked from the checkpointed page on',
      );
      const offers = await harness.offersOf(runId, from, to);
      assert.equal(new Set(offers.map((o) => o.eventId)).size, 300);
      assert.equal(offers.length, 300);
    } finally {
      await broken.close();
    }
  });

  it('refuses to resume a succeeded run and to reuse a run id', async () => {
    const runId = `test-azure-done-${uniqueSuffix()}`;
    const env = fixtureEnv(fixture);
    assert.equal(
      (await harness.collect({ kind: 'new', provider: 'azure', runId, filters: {} }, { env })).status,
      'succeeded',
    );
    await assert.rejects(
      harness.collect({ kind: 'resume', runId }, { env }),
      /is succeeded: nothing to resume/,
    );
    await assert.rejects(
      harness.collect({ kind: 'new', provider: 'azure', runId, filters: {} }, { env }),
      /already exists; continue it with `sluice collect resume/,
    );
  });
});
