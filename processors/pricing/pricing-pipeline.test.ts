import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSettings } from '../../lib/config.ts';
import { samples } from '../../schemas/samples.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { pricingSettings } from './config.ts';
import { divide, ratio, toDecimalString } from './decimal.ts';
import { parsePriceUnit } from './price-units.ts';
import { PricingPipeline } from './pricing-pipeline.ts';
import { normalizeRegion } from './regions.ts';
import { categoryOf } from './service-categories.ts';

const settings = loadSettings(pricingSettings, {});
const pipeline = new PricingPipeline(settings, { now: () => 1_763_709_330_600 });
const azureBase = JSON.parse(samples['raw.pricing.offers.v1'].item) as Record<string, unknown>;

function azure(overrides: Record<string, unknown>, region: string | null = 'eastus'): RawPriceOffer {
  return {
    ...samples['raw.pricing.offers.v1'],
    region,
    item: JSON.stringify({ ...azureBase, ...overrides }),
  };
}

function aws(
  term: Record<string, unknown>,
  dimension: Record<string, unknown>,
  attributes: Record<string, unknown> = {},
): RawPriceOffer {
  const item = {
    serviceCode: 'AmazonEC2',
    product: {
      sku: 'JRTCKXETXF',
      productFamily: 'Compute Instance',
      attributes: {
        servicecode: 'AmazonEC2',
        regionCode: 'us-east-1',
        location: 'US East (N. Virginia)',
        instanceType: 'm5.large',
        ...attributes,
      },
    },
    term: {
      type: 'OnDemand',
      offerTermCode: 'JRTCKXETXF',
      effectiveDate: '2024-03-01T00:00:00Z',
      termAttributes: {},
      ...term,
    },
    priceDimension: {
      rateCode: 'JRTCKXETXF.JRTCKXETXF.6YS6EN2CT7',
      unit: 'Hrs',
      beginRange: '0',
      endRange: 'Inf',
      pricePerUnit: { USD: '0.0960000000' },
      ...dimension,
    },
  };
  return {
    eventId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    provider: 'aws',
    collectionId: 'run-aws-01',
    sku: 'JRTCKXETXF/JRTCKXETXF/6YS6EN2CT7',
    region: 'us-east-1',
    item: JSON.stringify(item),
    sourceUrl: null,
    fetchedAt: 1_763_709_330_400,
    attributes: {},
    traceId: null,
  };
}

function run(offer: RawPriceOffer) {
  return pipeline.process(offer, { topic: 'raw.pricing.offers.v1', partition: 0, offset: 7, timestamp: 0 });
}

describe('pricing pipeline', () => {
  it('normalizes the sample Azure VM price exactly as the normalized sample shows', () => {
    const outcome = run(samples['raw.pricing.offers.v1']);
    assert.equal(outcome.kind, 'output');
    if (outcome.kind !== 'output') return;
    const expected = samples['normalized.pricing.prices.v1'];
    assert.deepEqual(
      { ...outcome.value, lineage: { ...outcome.value.lineage } },
      { ...expected, lineage: { topic: 'raw.pricing.offers.v1', partition: 0, offset: 7 } },
    );
  });

  const prices: [string, RawPriceOffer, Partial<Record<string, unknown>>][] = [
    [
      'Azure 100 Hours',
      azure({ unitOfMeasure: '100 Hours', retailPrice: 2.5 }),
      { unit: 'hour', pricePerUnitUsd: '0.025' },
    ],
    [
      'Azure blob storage GB/Month tier',
      azure({
        serviceName: 'Storage',
        serviceFamily: 'Storage',
        unitOfMeasure: '1 GB/Month',
        retailPrice: 0.0184,
        tierMinimumUnits: 51200,
      }),
      { unit: 'GB-month', pricePerUnitUsd: '0.0184', tierStart: 51200, category: 'STORAGE' },
    ],
    [
      'Azure 10K transactions',
      azure({ serviceName: 'Storage', unitOfMeasure: '10K', retailPrice: 0.0044 }),
      { unit: '1M requests', pricePerUnitUsd: '0.44' },
    ],
    [
      'Azure EUR price',
      azure({ currencyCode: 'EUR', retailPrice: 0.089 }),
      { pricePerUnitUsd: '0.09612', originalAmount: '0.089', originalCurrency: 'EUR' },
    ],
    [
      'Azure 1-year reservation per hour of the term',
      azure({ type: 'Reservation', reservationTerm: '1 Year', retailPrice: 527 }),
      { priceType: 'reservation', term: '1 Year', unit: 'hour', pricePerUnitUsd: '0.060159817352' },
    ],
    [
      'Azure spot',
      azure({ skuName: 'D2s v5 Spot', meterName: 'D2s v5 Spot', retailPrice: 0.0192 }),
      { priceType: 'spot' },
    ],
    ['Azure dev/test', azure({ type: 'DevTestConsumption' }), { priceType: 'dev_test' }],
    [
      'Azure region by location name',
      azure({ armRegionName: null, location: 'US East' }, null),
      { region: 'us-east', regionName: 'US East' },
    ],
    [
      'Azure family fallback category',
      azure({ serviceName: 'Brand New Service', serviceFamily: 'Analytics' }),
      { category: 'ANALYTICS_IOT' },
    ],
    [
      'AWS EC2 on demand Hrs',
      aws({}, {}),
      {
        unit: 'hour',
        pricePerUnitUsd: '0.096',
        region: 'us-east',
        category: 'COMPUTE_WEB',
        priceType: 'on_demand',
        product: 'm5.large',
      },
    ],
    [
      'AWS S3 GB-Mo tier from 51200',
      aws(
        {},
        { unit: 'GB-Mo', beginRange: '51200', pricePerUnit: { USD: '0.0220000000' } },
        { servicecode: 'AmazonS3', regionCode: 'eu-west-1' },
      ),
      { unit: 'GB-month', tierStart: 51200, region: 'eu-ireland' },
    ],
    [
      'AWS Lambda requests',
      aws({}, { unit: 'Requests', pricePerUnit: { USD: '0.0000002000' } }),
      { unit: '1M requests', pricePerUnitUsd: '0.2' },
    ],
    [
      'AWS reserved 1yr No Upfront',
      aws(
        {
          type: 'Reserved',
          termAttributes: {
            LeaseContractLength: '1yr',
            PurchaseOption: 'No Upfront',
            OfferingClass: 'standard',
          },
        },
        { pricePerUnit: { USD: '0.0600000000' } },
      ),
      { priceType: 'reservation', term: '1yr No Upfront standard', pricePerUnitUsd: '0.06' },
    ],
    [
      'AWS reserved upfront fee',
      aws(
        { type: 'Reserved', termAttributes: { LeaseContractLength: '3yr', PurchaseOption: 'All Upfront' } },
        { unit: 'Quantity', pricePerUnit: { USD: '1234' } },
      ),
      { unit: 'one-time', pricePerUnitUsd: '1234' },
    ],
    [
      'AWS savings plan',
      aws(
        { type: 'SavingsPlan', termAttributes: { LeaseContractLength: '3yr', PurchaseOption: 'No Upfront' } },
        { pricePerUnit: { USD: '0.041' } },
      ),
      { priceType: 'savings_plan' },
    ],
  ];
  for (const [name, offer, expected] of prices) {
    it(name, () => {
      const outcome = run(offer);
      assert.equal(outcome.kind, 'output', outcome.kind === 'rejected' ? outcome.rejection.message : '');
      if (outcome.kind !== 'output') return;
      for (const [field, value] of Object.entries(expected)) {
        assert.deepEqual(outcome.value[field as keyof typeof outcome.value], value, field);
      }
    });
  }

  const rejected: [string, RawPriceOffer, string][] = [
    [
      'item that is not JSON',
      { ...samples['raw.pricing.offers.v1'], item: '{"retailPrice": 0.1' },
      'item_not_json',
    ],
    ['Azure item without price', azure({ retailPrice: null, unitPrice: null }), 'field_missing'],
    ['unknown price unit', azure({ unitOfMeasure: '1 Parsec' }), 'unit_unknown'],
    ['currency without a rate', azure({ currencyCode: 'XAU' }), 'currency_unknown'],
    ['negative price', azure({ retailPrice: -1 }), 'price_invalid'],
    ['price in words', azure({ retailPrice: 'free' }), 'price_invalid'],
    [
      'reservation with an unknown term',
      azure({ type: 'Reservation', reservationTerm: 'forever' }),
      'term_unknown',
    ],
    ['AWS unknown term type', aws({ type: 'Lease' }, {}), 'price_type_unknown'],
  ];
  for (const [name, offer, code] of rejected) {
    it(`rejects ${name} with ${code}`, () => {
      const outcome = run(offer);
      assert.equal(outcome.kind, 'rejected');
      if (outcome.kind === 'rejected') assert.equal(outcome.rejection.code, code);
    });
  }
});

describe('pricing tables', () => {
  it('maps AWS service codes and Azure serviceName/serviceFamily to the 13 categories', () => {
    const cases: [Parameters<typeof categoryOf>, string][] = [
      [['aws', 'AmazonRDS', null], 'DATABASES'],
      [['aws', 'AmazonEKS', null], 'CONTAINERS'],
      [['aws', 'AmazonSageMaker', null], 'AI_ML'],
      [['aws', 'AmazonWorkSpaces', null], 'VIRTUAL_DESKTOP'],
      [['aws', 'AWSDatabaseMigrationSvc', null], 'MIGRATION'],
      [['aws', 'AmazonCloudWatch', null], 'MANAGEMENT'],
      [['aws', 'AWSCodeBuild', null], 'DEV_TOOLS'],
      [['aws', 'AmazonSNS', null], 'INTEGRATION'],
      [['aws', 'AmazonCloudFront', null], 'NETWORKING'],
      [['aws', 'SomethingNew', null], 'GENERAL'],
      [['azure', 'Azure Cosmos DB', 'Databases'], 'DATABASES'],
      [['azure', 'Azure Virtual Desktop', null], 'VIRTUAL_DESKTOP'],
      [['azure', 'Unknown', 'Internet of Things'], 'ANALYTICS_IOT'],
      [['azure', 'Unknown', null], 'GENERAL'],
    ];
    for (const [args, category] of cases) assert.equal(categoryOf(...args), category, args.join(' '));
  });

  it('normalizes regions across providers', () => {
    for (const name of ['us-east-1', 'eastus', 'US East', 'US East (N. Virginia)', 'EASTUS']) {
      assert.deepEqual(normalizeRegion(name), { id: 'us-east', name: 'US East' }, name);
    }
    assert.deepEqual(normalizeRegion('westeurope'), { id: 'eu-netherlands', name: 'Europe (Netherlands)' });
    assert.deepEqual(normalizeRegion(null), { id: 'global', name: 'Global' });
    assert.deepEqual(normalizeRegion('Mars North 1'), { id: 'mars-north-1', name: 'Mars North 1' });
  });

  it('parses listed units', () => {
    const cases: [string, string, number][] = [
      ['1 Hour', 'hour', 1],
      ['100 Hours', 'hour', 100],
      ['Hrs', 'hour', 1],
      ['1 GB/Month', 'GB-month', 1],
      ['GB-Mo', 'GB-month', 1],
      ['1 TB/Month', 'GB-month', 1024],
      ['10K', '1M requests', 0.01],
      ['1M', '1M requests', 1],
      ['1/Month', 'month', 1],
      ['1/Day', 'day', 1],
      ['vCPU-Hours', 'vCPU-hour', 1],
      ['Lambda-GB-Second', 'GB-second', 1],
      ['Quantity', 'one-time', 1],
    ];
    for (const [listed, unit, quantity] of cases)
      assert.deepEqual(parsePriceUnit(listed), { unit, quantity }, listed);
    assert.equal(parsePriceUnit('10 Mbps'), undefined);
  });

  it('divides money exactly, rounding half to even at 12 places', () => {
    assert.equal(toDecimalString(divide(ratio('527'), ratio(8760))), '0.060159817352');
    assert.equal(toDecimalString(divide(ratio('1'), ratio(3))), '0.333333333333');
    assert.equal(toDecimalString(ratio('0.0000000000005')), '0');
    assert.equal(toDecimalString(ratio('0.0000000000015')), '0.000000000002');
    assert.equal(toDecimalString(ratio('1e-7')), '0.0000001');
  });
});
