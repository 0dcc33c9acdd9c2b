import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import Parser from 'stream-json/Parser.js';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { awsProduct, PricingFixtureServer } from '../../test/pricing-fixture-server.ts';
import { CollectionHarness, fixtureEnv } from '../../test/pricing-support.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { CollectionRunStore } from '../pricing-collection/run-store.ts';
import { OfferFileWalker } from './aws-offer-files.ts';

/** An offer file laid out as AWS lays them out: header, products, then terms by type and sku. */
function offerFileText(service: string, region: string, count: number): string {
  const products = Array.from({ length: count }, (_, i) => awsProduct(service, region, i));
  return JSON.stringify(
    {
      formatVersion: 'v1.0',
      offerCode: service,
      version: '20240101000000',
      publicationDate: '2024-01-01T00:00:00Z',
      products: Object.fromEntries(products.map((p) => [p.sku, p.product])),
      terms: {
        OnDemand: Object.fromEntries(products.map((p) => [p.sku, p.onDemand])),
        Reserved: Object.fromEntries(products.map((p) => [p.sku, p.reserved])),
      },
    },
    null,
    2,
  );
}

async function walk(text: string, skip: number): Promise<RawPriceOffer[]> {
  const walker = new OfferFileWalker(skip, {
    runId: 'r1',
    sourceUrl: 'https://offers/file.json',
    fetchedAt: 1,
  });
  const offers: RawPriceOffer[] = [];
  walker.on('data', (chunk: RawPriceOffer[]) => offers.push(...chunk));
  // small chunks, as a download arrives
  const chunks = Array.from({ length: Math.ceil(text.length / 1000) }, (_, i) =>
    text.slice(i * 1000, i * 1000 + 1000),
  );
  await pipeline(Readable.from(chunks), Parser.make({ packValues: true, streamValues: false }), walker);
  return offers;
}

describe('AWS offer files (streamed, pure)', () => {
  it('emits one event per price dimension, in the Price List shape, with deterministic ids', async () => {
    const offers = await walk(offerFileText('AmazonS3', 'eu-west-1', 4), 0);
    // S3: 3 OnDemand tiers + 1 Reserved dimension per product
    assert.equal(offers.length, 16);
    const first = offers[0] as RawPriceOffer;
    const item = JSON.parse(first.item) as {
      product: { sku: string; attributes: { regionCode: string } };
      serviceCode: string;
      terms: {
        OnDemand: Record<
          string,
          {
            priceDimensions: Record<
              string,
              { beginRange: string; endRange: string; unit: string; pricePerUnit: { USD: string } }
            >;
          }
        >;
      };
    };
    assert.equal(item.serviceCode, 'AmazonS3');
    assert.equal(first.region, 'eu-west-1');
    const [term] = Object.values(item.terms.OnDemand);
    const dimensions = Object.values(term?.priceDimensions ?? {});
    assert.equal(dimensions.length, 1, 'one price dimension per event');
    assert.deepEqual(
      [dimensions[0]?.beginRange, dimensions[0]?.endRange, dimensions[0]?.unit],
      ['0', '51200', 'GB-Mo'],
    );
    assert.match(
      first.sku,
      new RegExp(`^${item.product.sku}/JRTCKXETXF/${item.product.sku}\\.JRTCKXETXF\\.`),
    );
    assert.equal(new Set(offers.map((o) => o.eventId)).size, 16);
    assert.deepEqual(
      (await walk(offerFileText('AmazonS3', 'eu-west-1', 4), 0)).map((o) => o.eventId),
      offers.map((o) => o.eventId),
    );
  });

  it('resumes inside a file by skipping the items already acknowledged', async () => {
    const text = offerFileText('AmazonEC2', 'us-east-1', 10);
    const all = await walk(text, 0);
    const rest = await walk(text, 7);
    assert.deepEqual(
      rest.map((o) => o.eventId),
      all.slice(7).map((o) => o.eventId),
    );
    assert.equal(rest[0]?.attributes.itemOffset, '7');
  });
});

describe('AWS collectors against the fixture server, Kafka and PostgreSQL', () => {
  let fixture: PricingFixtureServer;
  let harness: CollectionHarness;
  // EC2 files: 50 products × (1 OnDemand + 1 Reserved) = 100; S3: 50 × (3 + 1) = 200
  const expectedItems = 100 + 100 + 200;
  before(async () => {
    fixture = await PricingFixtureServer.start({
      awsProductsPerFile: 50,
      awsServices: {
        AmazonEC2: ['us-east-1', 'eu-west-1'],
        AmazonS3: ['us-east-1'],
        AWSLambda: ['us-east-1'],
      },
      awsQueryPages: 3,
      awsQueryProductsPerPage: 20,
    });
    harness = await CollectionHarness.start();
  });
  after(async () => {
    await harness.close();
    await fixture.close();
  });

  const env = () => fixtureEnv(fixture, { AWS_PRICING_CHUNK_ITEMS: '40' });

  it('follows offer index → region index → offer files and re-opens a dropped file at its offset', async () => {
    fixture.clearFaults();
    fixture.inject('aws-offer-file', { kind: 'drop' });
    const runId = `test-aws-${uniqueSuffix()}`;
    const from = await harness.endOffsets();
    const run = await harness.collect(
      { kind: 'new', provider: 'aws', runId, filters: { serviceCode: 'AmazonEC2,AmazonS3' } },
      { env: env() },
    );
    const to = await harness.endOffsets();
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(run.published, expectedItems);
    assert.equal(run.checkpoint?.streams.length, 3);
    const offers = await harness.offersOf(runId, from, to);
    assert.equal(offers.length, expectedItems);
    assert.equal(new Set(offers.map((o) => o.eventId)).size, expectedItems);
    assert.deepEqual([...new Set(offers.map((o) => o.region))].sort(), ['eu-west-1', 'us-east-1']);
  });

  it('fails only the stream of a truncated offer file; a resume completes it without republishing', async () => {
    fixture.clearFaults();
    fixture.inject('aws-offer-file', { kind: 'truncated' });
    const runId = `test-aws-truncated-${uniqueSuffix()}`;
    const from = await harness.endOffsets();
    const failed = await harness.collect(
      { kind: 'new', provider: 'aws', runId, filters: { serviceCode: 'AmazonEC2,AmazonS3' } },
      { env: env() },
    );
    assert.equal(failed.status, 'failed');
    assert.match(
      failed.error ?? '',
      /^1 of 3 streams failed \(resume retries them\): Amazon\w+\/[\w-]+ page \d+: offer file .* is not valid JSON after item \d+/,
    );
    const failedPages = await new CollectionRunStore(harness.pool).failedPages(runId);
    assert.equal(failedPages.length, 1);
    assert.ok(failed.published > 0 && failed.published < expectedItems);

    const resumed = await harness.collect({ kind: 'resume', runId }, { env: env() });
    const to = await harness.endOffsets();
    assert.equal(resumed.status, 'succeeded', resumed.error ?? '');
    assert.equal(resumed.published, expectedItems);
    const offers = await harness.offersOf(runId, from, to);
    assert.equal(offers.length, expectedItems, 'chunks acknowledged before the failure are not sent again');
    assert.equal(new Set(offers.map((o) => o.eventId)).size, expectedItems);
  });

  it('fails fast on a service code the offer index does not list', async () => {
    fixture.clearFaults();
    const run = await harness.collect(
      {
        kind: 'new',
        provider: 'aws',
        runId: `test-aws-unknown-${uniqueSuffix()}`,
        filters: { serviceCode: 'AmazonEC3' },
      },
      { env: env() },
    );
    assert.equal(run.status, 'failed');
    assert.match(
      run.error ?? '',
      /unknown AWS service code\(s\) AmazonEC3; the offer index lists e\.g\. AmazonEC2/,
    );
  });

  it('pages the Price List Query API through the AWS SDK with NextToken, honouring a 429', async (t) => {
    fixture.clearFaults();
    fixture.requests.length = 0;
    fixture.inject('aws-query', { kind: 'throttle', retryAfterSeconds: 1 }, { page: 1 });
    const runId = `test-aws-query-${uniqueSuffix()}`;
    const from = await harness.endOffsets();
    const run = await harness.collect(
      {
        kind: 'new',
        provider: 'aws',
        runId,
        filters: { source: 'query', serviceCode: 'AmazonEC2', regionCode: 'us-east-1' },
      },
      { env: env(), awsCredentials: { accessKeyId: 'AKIATESTONLY', secretAccessKey: 'test-only-secret' } },
    );
    const to = await harness.endOffsets();
    assert.equal(run.status, 'succeeded', run.error ?? '');
    // 3 pages × 20 products × (OnDemand + Reserved)
    assert.deepEqual([run.pages, run.published], [3, 120]);
    const page1 = fixture.requestsOf('aws-query').filter((r) => r.page === 1);
    t.diagnostic(
      `GetProducts page 2: 429, retried after ${(page1[1]?.at ?? 0) - (page1[0]?.at ?? 0)} ms (Retry-After: 1)`,
    );
    assert.ok((page1[1]?.at ?? 0) - (page1[0]?.at ?? 0) >= 1000);
    const offers = await harness.offersOf(runId, from, to);
    assert.equal(new Set(offers.map((o) => o.eventId)).size, 120);
    assert.equal(offers[0]?.attributes.api, 'GetProducts');
  });
});
