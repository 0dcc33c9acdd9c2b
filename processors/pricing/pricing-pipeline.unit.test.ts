import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSettings } from '../../lib/config.ts';
import { awsGetProductsPages, azureRetailPages } from '../../schemas/fixtures/pricing/index.ts';
import type { AwsPriceListItem } from '../../schemas/pricing/aws-price-list.ts';
import type { AzureRetailItem } from '../../schemas/pricing/azure-retail-prices.ts';
import { regionTable } from '../../schemas/pricing/regions.ts';
import { samples } from '../../schemas/samples.ts';
import type { PriceRecord, RawPriceOffer } from '../../schemas/types.ts';
import { pricingSettings } from './config.ts';
import { divide, ratio, toDecimalString } from './decimal.ts';
import { parsePriceUnit } from './price-units.ts';
import { PricingPipeline, priceKey } from './pricing-pipeline.ts';
import { resolveRegion } from './regions.ts';
import { categoryOf } from './service-categories.ts';

const settings = loadSettings(pricingSettings, {});
const pipeline = new PricingPipeline(settings, { now: () => 1_763_709_330_600 });
const meta = { topic: 'raw.pricing.offers.v1', partition: 0, offset: 7, timestamp: 0 };

// Items of the documented-shape fixtures; tests change values, never the shape.
const azureItems = azureRetailPages.USD.flatMap((page) => page.body.Items);
const azureItem = (meterName: string, type = 'Consumption') =>
  azureItems.find((item) => item.meterName === meterName && item.type === type) as AzureRetailItem;
/** GetProducts elements that hold one term with one price dimension: raw AWS events as they are. */
const awsElements = awsGetProductsPages
  .flatMap((page) => page.body.PriceList)
  .map((text) => JSON.parse(text) as AwsPriceListItem);
const awsElement = (instanceType: string) =>
  awsElements.find((element) => element.product.attributes.instanceType === instanceType) as AwsPriceListItem;

function azure(item: object, attributes: Record<string, string> = {}): RawPriceOffer {
  return { ...samples['raw.pricing.offers.v1'], item: JSON.stringify(item), attributes };
}

function aws(element: object, region = 'us-west-2'): RawPriceOffer {
  return {
    ...samples['raw.pricing.offers.v1'],
    provider: 'aws',
    sku: 'SKU/JRTCKXETXF/RATE',
    region,
    item: JSON.stringify(element),
    attributes: { api: 'GetProducts' },
  };
}

function run(offer: RawPriceOffer) {
  return pipeline.process(offer, meta);
}

function output(offer: RawPriceOffer): PriceRecord {
  const outcome = run(offer);
  assert.equal(outcome.kind, 'output', outcome.kind === 'rejected' ? outcome.rejection.message : '');
  return (outcome as { value: PriceRecord }).value;
}

describe('pricing pipeline', () => {
  it('normalizes the sample Azure VM price exactly as the normalized sample shows, keyed by its identity', () => {
    const outcome = run(samples['raw.pricing.offers.v1']);
    assert.equal(outcome.kind, 'output');
    if (outcome.kind !== 'output') return;
    const expected = samples['normalized.pricing.prices.v1'];
    assert.deepEqual(outcome.value, { ...expected, lineage: { ...expected.lineage, offset: 7 } });
    assert.equal(
      outcome.key,
      'azure|4ba3a9f6-3de8-5d4e-8ab7-a8d3b3cb1a52/DZH318Z0BQPS/00TG/Consumption//0|us-virginia|USD|on_demand|||0',
    );
  });

  it('puts currency, price type, term, purchase option and tier start in the key', () => {
    const base = samples['normalized.pricing.prices.v1'];
    const keys = new Set(
      [
        base,
        { ...base, originalCurrency: 'EUR' },
        { ...base, priceType: 'reservation' as const, term: '1 Year' },
        { ...base, priceType: 'reservation' as const, term: '3 Years' },
        { ...base, priceType: 'reservation' as const, term: '3 Years', purchaseOption: 'All Upfront' },
        { ...base, tierStart: 100 },
      ].map(priceKey),
    );
    assert.equal(keys.size, 6);
  });

  it('prices a savings plan entry on its own, per hour, with its term', () => {
    const item = azureItem('D2s v5');
    const price = output(azure(item, { savingsPlanTerm: '3 Years' }));
    assert.deepEqual(
      [price.priceType, price.term, price.unit, price.pricePerUnitUsd, price.originalAmount, price.amortized],
      ['savings_plan', '3 Years', 'hour', '0.048', '0.048', false],
    );
  });

  it('spreads an Azure reservation over the hours of its term and keeps the listed amount', () => {
    const price = output(azure(azureItem('D2s v5', 'Reservation')));
    assert.deepEqual(
      [price.priceType, price.term, price.unit, price.pricePerUnitUsd, price.originalAmount, price.amortized],
      ['reservation', '1 Year', 'hour', '0.060159817352', '527', true],
    );
  });

  it('converts another currency at the configured rate and dates it', () => {
    const item = azureRetailPages.EUR[0]?.body.Items[0] as AzureRetailItem;
    const price = output(azure(item));
    assert.deepEqual(
      [price.originalCurrency, price.originalAmount, price.usdRate, price.usdRateDate, price.pricePerUnitUsd],
      ['EUR', '0.0889', '1.08', settings.usdRatesDate, '0.096012'],
    );
  });

  it('carries what a comparison needs from an AWS product', () => {
    const price = output(aws(awsElement('r5.large')));
    assert.deepEqual(
      [price.service, price.region, price.instanceType, price.vcpu, price.memoryGib],
      ['AmazonEC2', 'de-frankfurt', 'r5.large', 2, 16],
    );
    assert.deepEqual(
      [price.operatingSystem, price.tenancy, price.pricePerUnitUsd],
      ['RHEL', 'Shared', '0.19'],
    );
  });

  it('keeps an unknown region code as the provider gave it, flagged and noted, never guessed', () => {
    const outcome = run(
      azure({ ...azureItem('D2s v5'), armRegionName: 'marsnorth', location: 'Mars North' }),
    );
    assert.equal(outcome.kind, 'output');
    if (outcome.kind !== 'output') return;
    assert.deepEqual(
      [outcome.value.region, outcome.value.regionName, outcome.value.regionMapped, outcome.notes],
      ['azure:marsnorth', 'Mars North', false, ['region_unmapped:azure:marsnorth']],
    );
  });

  const rejected: [string, RawPriceOffer, string][] = [
    [
      'item that is not JSON',
      { ...samples['raw.pricing.offers.v1'], item: '{"retailPrice": 0.1' },
      'item_not_json',
    ],
    ['Azure item without a price', azure({ ...azureItem('D2s v5'), retailPrice: null }), 'field_missing'],
    ['Azure item without a currency', azure({ ...azureItem('D2s v5'), currencyCode: '' }), 'field_missing'],
    ['unknown price unit', azure({ ...azureItem('D2s v5'), unitOfMeasure: '1 Parsec' }), 'unit_unknown'],
    ['currency without a rate', azure({ ...azureItem('D2s v5'), currencyCode: 'XAU' }), 'currency_unknown'],
    ['negative price', azure({ ...azureItem('D2s v5'), retailPrice: -1 }), 'price_invalid'],
    // found by the bad-input corpus: the stores' decimal(38,12) and DateTime cannot hold these
    ['price beyond decimal(38,12)', azure({ ...azureItem('D2s v5'), retailPrice: 1.5e29 }), 'price_invalid'],
    [
      'price effective before 1970',
      azure({ ...azureItem('D2s v5'), effectiveStartDate: '0001-01-01T00:00:00Z' }),
      'time_invalid',
    ],
    [
      'reservation with an unknown term',
      azure({ ...azureItem('D2s v5', 'Reservation'), reservationTerm: 'forever' }),
      'term_unknown',
    ],
    [
      'savings plan term the item does not list',
      azure(azureItem('D2s v5'), { savingsPlanTerm: '5 Years' }),
      'field_missing',
    ],
    [
      'AWS term type that is not OnDemand or Reserved',
      aws({ ...awsElement('c6g.xlarge'), terms: { Lease: awsElement('c6g.xlarge').terms.OnDemand } }),
      'price_type_unknown',
    ],
    [
      'AWS element with more than one term (not narrowed to one price dimension)',
      aws(awsElement('t3.micro')),
      'item_shape',
    ],
  ];
  for (const [name, offer, code] of rejected) {
    it(`rejects ${name} with ${code}`, () => {
      const outcome = run(offer);
      assert.equal(outcome.kind, 'rejected');
      if (outcome.kind === 'rejected') assert.equal(outcome.rejection.code, code, outcome.rejection.message);
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

  it('resolves every code and display name of the region table to its region, per provider', () => {
    for (const region of regionTable) {
      for (const provider of ['aws', 'azure'] as const) {
        for (const { code, name } of region[provider]) {
          if (code !== null)
            assert.equal(resolveRegion(provider, code, null).id, region.id, `${provider} ${code}`);
          if (code === null || name !== '')
            assert.equal(resolveRegion(provider, null, name).id, region.id, `${provider} "${name}"`);
        }
      }
    }
    // Azure's eastus2 is in Virginia, AWS's us-east-2 in Ohio; Azure's billing zones span regions
    assert.equal(resolveRegion('azure', 'eastus2', 'US East 2').id, 'us-virginia');
    assert.equal(resolveRegion('aws', 'us-east-2', 'US East (Ohio)').id, 'us-ohio');
    assert.equal(resolveRegion('azure', 'Zone 1', 'Zone 1').id, 'global');
    assert.equal(resolveRegion('azure', '', '').id, 'global');
    // a name is looked up with its own provider only
    assert.equal(resolveRegion('aws', null, 'US East').id, 'aws:US East');
    assert.deepEqual(resolveRegion('aws', 'xx-mars-1', 'Mars'), {
      id: 'aws:xx-mars-1',
      name: 'Mars',
      mapped: false,
    });
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
