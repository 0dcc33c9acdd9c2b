import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { awsOfferFiles } from '../../schemas/fixtures/pricing/index.ts';
import type { AwsPriceDimension, AwsPriceListItem, AwsTerm } from '../../schemas/pricing/aws-price-list.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { PricingFixtureServer } from '../../test/pricing-fixture-server.ts';
import { CollectionHarness, fixtureEnv } from '../../test/pricing-support.ts';
import { dimensionsPerProduct } from '../../test/pricing-synthetic.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { CollectionRunStore } from '../pricing-collection/run-store.ts';
import { OfferFileReader } from './aws-offer-files.ts';

/** The raw events of an offer file's text, fed in small chunks as a download arrives. */
function read(text: string, skip: number, region = 'us-east-1'): RawPriceOffer[] {
  const reader = new OfferFileReader(skip, {
    runId: 'r1',
    sourceUrl: 'https://offers/file.json',
    fetchedAt: 1,
    region,
  });
  try {
    const bytes = Buffer.from(text, 'utf8');
    const offers: RawPriceOffer[] = [];
    for (let at = 0; at < bytes.length; at += 1000)
      offers.push(...reader.write(bytes.subarray(at, at + 1000)));
    offers.push(...reader.end());
    return offers;
  } finally {
    reader.close();
  }
}

const ec2File = awsOfferFiles['AmazonEC2/us-east-1'];

describe('AWS offer files (streamed, pure)', () => {
  it('emits one event per price dimension, as a PriceList element narrowed to it, with deterministic ids', () => {
    const file = awsOfferFiles['AmazonS3/us-east-1'];
    const offers = read(file?.text ?? '', 0);
    // S3 storage: 3 tiers; requests: 1; deep archive: 1
    assert.equal(offers.length, 5);
    const first = offers[0] as RawPriceOffer;
    const item = JSON.parse(first.item) as AwsPriceListItem;
    assert.deepEqual(Object.keys(item), ['product', 'serviceCode', 'terms', 'version', 'publicationDate']);
    assert.deepEqual(item.product, file?.body.products[item.product.sku]);
    assert.equal(item.serviceCode, 'AmazonS3');
    assert.equal(item.version, file?.body.version);
    const terms = Object.entries(item.terms.OnDemand ?? {});
    assert.equal(terms.length, 1, 'one term');
    const [termKey, term] = terms[0] as [string, AwsTerm];
    const listed = file?.body.terms.OnDemand?.[item.product.sku]?.[termKey];
    const dimensions = Object.entries(term.priceDimensions);
    assert.equal(dimensions.length, 1, 'one price dimension');
    const [rateCode, dimension] = dimensions[0] as [string, AwsPriceDimension];
    assert.deepEqual({ ...term, priceDimensions: {} }, { ...listed, priceDimensions: {} });
    assert.deepEqual(dimension, listed?.priceDimensions[rateCode]);
    assert.equal(first.sku, `${item.product.sku}/${term.offerTermCode}/${rateCode}`);
    assert.equal(first.region, 'us-east-1');
    assert.equal(new Set(offers.map((o) => o.eventId)).size, 5);
    assert.deepEqual(
      read(file?.text ?? '', 0).map((o) => o.eventId),
      offers.map((o) => o.eventId),
    );
  });

  it("names the product's region, or the file's region for a product that names none", () => {
    const offers = read(ec2File?.text ?? '', 0, 'us-east-1');
    assert.equal(offers.length, 13);
    assert.deepEqual([...new Set(offers.map((offer) => offer.region))], ['us-east-1']);
  });

  it('resumes inside a file by skipping the items already acknowledged', () => {
    const all = read(ec2File?.text ?? '', 0);
    const rest = read(ec2File?.text ?? '', 7);
    assert.deepEqual(
      rest.map((o) => o.eventId),
      all.slice(7).map((o) => o.eventId),
    );
    assert.equal(rest[0]?.attributes.itemOffset, '7');
  });

  it('fails a file cut short', () => {
    const text = ec2File?.text ?? '';
    assert.throws(() => read(text.slice(0, Math.floor(text.length / 2)), 0), /ends inside terms/);
  });
});

describe('AWS collectors against the fixture server, Kafka and PostgreSQL', () => {
  let fixture: PricingFixtureServer;
  let harness: CollectionHarness;
  // synthetic files of the fixtures' m5.large (6 price dimensions) and S3 storage (3 tiers)
  const expectedItems = 50 * dimensionsPerProduct('AmazonEC2') * 2 + 50 * dimensionsPerProduct('AmazonS3');
  before(async () => {
    fixture = await PricingFixtureServer.start({
      synthetic: {
        awsProductsPerFile: 50,
        awsServices: {
          AmazonEC2: ['us-east-1', 'eu-west-1'],
          AmazonS3: ['us-east-1'],
          AWSLambda: ['us-east-1'],
        },
        awsQueryPages: 3,
        awsQueryProductsPerPage: 20,
      },
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
    // 3 pages × 20 products × 6 price dimensions
    const expected = 3 * 20 * dimensionsPerProduct('AmazonEC2');
    assert.deepEqual([run.pages, run.published], [3, expected]);
    const page1 = fixture.requestsOf('aws-query').filter((r) => r.page === 1);
    t.diagnostic(
      `GetProducts page 2: 429, retried after ${(page1[1]?.at ?? 0) - (page1[0]?.at ?? 0)} ms (Retry-After: 1)`,
    );
    assert.ok((page1[1]?.at ?? 0) - (page1[0]?.at ?? 0) >= 1000);
    const offers = await harness.offersOf(runId, from, to);
    assert.equal(new Set(offers.map((o) => o.eventId)).size, expected);
    assert.equal(offers[0]?.attributes.api, 'GetProducts');
  });
});
