import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSettings } from '../lib/config.ts';
import { pricingSettings } from '../processors/pricing/config.ts';
import { PricingPipeline } from '../processors/pricing/pricing-pipeline.ts';
import { resolveRegion } from '../processors/pricing/regions.ts';
import { OfferFileReader } from '../producers/aws-pricing/aws-offer-files.ts';
import { priceListOffers } from '../producers/aws-pricing/aws-price-list-query.ts';
import { azurePageOffers } from '../producers/azure-pricing/azure-retail-source.ts';
import {
  awsGetProductsPages,
  awsOfferFiles,
  awsRegionIndexes,
  azureRetailPages,
} from '../schemas/fixtures/pricing/index.ts';
import type { AwsPriceListItem } from '../schemas/pricing/aws-price-list.ts';
import { regionTable } from '../schemas/pricing/regions.ts';
import type { PriceRecord, RawPriceOffer } from '../schemas/types.ts';
import {
  awsBulkPrices,
  awsQueryPrices,
  azureEurPrices,
  azureUsdPrices,
  type ExpectedPrice,
} from './pricing-expected.ts';

const settings = loadSettings(pricingSettings, {});
const pipeline = new PricingPipeline(settings);
const meta = { topic: 'raw.pricing.offers.v1', partition: 0, offset: 0, timestamp: 0 };

/** The fixtures as the collectors turn them into raw events (the page overlap's repeat left out, as dedupe does). */
function rawOffers(): Record<'azureUsd' | 'azureEur' | 'awsBulk' | 'awsQuery', RawPriceOffer[]> {
  const azure = (currency: 'USD' | 'EUR') => {
    const offers = azureRetailPages[currency].flatMap(
      (page, index) =>
        azurePageOffers(page, { runId: 'r', url: 'u', page: index + 1, apiVersion: 'v', fetchedAt: 1 })
          .offers,
    );
    return offers.filter((offer, index) => offers.findIndex((o) => o.eventId === offer.eventId) === index);
  };
  const awsBulk = Object.entries(awsOfferFiles).flatMap(([key, file]) => {
    const reader = new OfferFileReader(0, {
      runId: 'r',
      sourceUrl: key,
      fetchedAt: 1,
      region: key.split('/')[1] ?? null,
    });
    try {
      return [...reader.write(Buffer.from(file.text, 'utf8')), ...reader.end()];
    } finally {
      reader.close();
    }
  });
  const awsQuery = awsGetProductsPages.flatMap((page, index) =>
    page.body.PriceList.flatMap((text, element) =>
      priceListOffers(text, element, { runId: 'r', sourceUrl: 'u', page: index + 1 }),
    ),
  );
  return { azureUsd: azure('USD'), azureEur: azure('EUR'), awsBulk, awsQuery };
}

function normalized(offer: RawPriceOffer): PriceRecord {
  const outcome = pipeline.process(offer, meta);
  if (outcome.kind !== 'output')
    throw new Error(`${offer.sku}: ${outcome.rejection.code} ${outcome.rejection.message}`);
  return outcome.value;
}

/** The fields a fixture price is checked on, from a normalized price. */
function checked(price: PriceRecord): ExpectedPrice {
  return {
    provider: price.provider,
    sku: price.sku,
    currency: price.originalCurrency,
    region: price.region,
    category: price.category,
    priceType: price.priceType,
    term: price.term,
    purchaseOption: price.purchaseOption,
    unit: price.unit,
    pricePerUnitUsd: price.pricePerUnitUsd,
    tierStart: price.tierStart,
  };
}

describe('every price of the documented-shape fixtures, collector → stages (no servers)', () => {
  const offers = rawOffers();
  const cases: [string, RawPriceOffer[], ExpectedPrice[]][] = [
    ['Azure Retail Prices in USD', offers.azureUsd, azureUsdPrices],
    ['Azure Retail Prices in EUR', offers.azureEur, azureEurPrices],
    ['AWS bulk offer files', offers.awsBulk, awsBulkPrices],
    ['AWS Price List Query API', offers.awsQuery, awsQueryPrices],
  ];
  for (const [name, raw, expected] of cases) {
    it(`${name}: ${expected.length} prices, each with its expected values`, () => {
      assert.deepEqual(raw.map(normalized).map(checked), expected);
    });
  }

  it('keeps the original currency and amount of a EUR price, with the rate and its date', () => {
    for (const price of offers.azureEur.map(normalized)) {
      assert.deepEqual(
        [price.originalCurrency, price.usdRate, price.usdRateDate],
        ['EUR', '1.08', settings.usdRatesDate],
      );
    }
    for (const price of offers.azureUsd.map(normalized))
      assert.deepEqual([price.usdRate, price.usdRateDate], ['1', null]);
  });

  it('gives every fixture price its own identity: no two share a key, USD and EUR twins included', () => {
    const keys = Object.values(offers)
      .flat()
      .map((offer) => pipeline.process(offer, meta))
      .map((outcome) => (outcome.kind === 'output' ? outcome.key : ''));
    assert.equal(new Set(keys).size, keys.length);
  });
});

describe('regions of the fixtures and of the region table', () => {
  /** Every region code and name the fixtures hold, as the collectors and the processor read them. */
  function fixtureLocations(): { provider: 'aws' | 'azure'; code: string | null; name: string | null }[] {
    const azure = Object.values(azureRetailPages)
      .flat()
      .flatMap((page) => page.body.Items)
      .map((item) => ({ provider: 'azure' as const, code: item.armRegionName, name: item.location }));
    const products = [
      ...Object.values(awsOfferFiles).flatMap((file) => Object.values(file.body.products)),
      ...awsGetProductsPages.flatMap((page) =>
        page.body.PriceList.map((text) => (JSON.parse(text) as AwsPriceListItem).product),
      ),
    ];
    const aws = products.map(({ attributes }) => ({
      provider: 'aws' as const,
      code: attributes.regionCode ?? attributes.fromRegionCode ?? null,
      name: attributes.location ?? attributes.fromLocation ?? null,
    }));
    const regionIndexes = Object.values(awsRegionIndexes).flatMap((index) =>
      Object.values(index.body.regions).map(({ regionCode }) => ({
        provider: 'aws' as const,
        code: regionCode,
        name: null,
      })),
    );
    return [...azure, ...aws, ...regionIndexes];
  }

  it('maps every region code the fixtures hold to the place it is', () => {
    const expected: Record<string, string> = {
      'azure eastus': 'us-virginia',
      'azure eastus2': 'us-virginia',
      'azure westeurope': 'nl-amsterdam',
      'azure centralindia': 'in-pune',
      'azure westus2': 'us-washington',
      'azure uksouth': 'gb-london',
      'azure Zone 1': 'global',
      'azure Global': 'global',
      'azure ': 'global',
      'aws us-east-1': 'us-virginia',
      'aws eu-west-1': 'ie-dublin',
      'aws us-west-2': 'us-oregon',
      'aws ap-south-1': 'in-mumbai',
      'aws eu-central-1': 'de-frankfurt',
      'aws ca-central-1': 'ca-montreal',
      'aws sa-east-1': 'br-sao-paulo',
    };
    const found = new Map<string, string>();
    for (const { provider, code, name } of fixtureLocations()) {
      const region = resolveRegion(provider, code, name);
      assert.ok(region.mapped, `${provider} ${code} / ${name} is in the region table`);
      found.set(`${provider} ${code ?? name}`, region.id);
    }
    assert.deepEqual(
      Object.fromEntries([...found].sort()),
      Object.fromEntries(Object.entries(expected).sort()),
    );
  });

  it('lists each provider code and name once, and names a place by each id', () => {
    const ids = regionTable.map((region) => region.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    assert.ok(
      ids.every((id) => !id.includes(':')),
      'no id looks like an unmapped <provider>:<code>',
    );
    for (const provider of ['aws', 'azure'] as const) {
      const codes = regionTable.flatMap((region) =>
        region[provider].flatMap(({ code }) => (code === null ? [] : [code.toLowerCase()])),
      );
      assert.equal(new Set(codes).size, codes.length, `${provider} codes are unique`);
      const names = regionTable.flatMap((region) => region[provider].map(({ name }) => name.toLowerCase()));
      assert.equal(new Set(names).size, names.length, `${provider} names are unique`);
    }
  });

  it('never puts two distinct provider locations under one id unless the table lists them there', () => {
    // every location of every provider resolves to the id the table lists it under, so two of them
    // share an id only where one table row says they are one place (Azure eastus and eastus2, and
    // AWS us-east-1, in Virginia); Azure's eastus2 is not AWS's us-east-2 (Ohio)
    const byId = new Map<string, Set<string>>();
    for (const region of regionTable) {
      for (const provider of ['aws', 'azure'] as const) {
        for (const { code, name } of region[provider]) {
          const resolved = resolveRegion(provider, code, name);
          assert.equal(resolved.id, region.id, `${provider} ${code ?? name}`);
          const locations = byId.get(resolved.id) ?? new Set();
          locations.add(`${provider}:${code ?? name}`);
          byId.set(resolved.id, locations);
        }
      }
    }
    for (const region of regionTable) {
      const listed = new Set(
        (['aws', 'azure'] as const).flatMap((provider) =>
          region[provider].map(({ code, name }) => `${provider}:${code ?? name}`),
        ),
      );
      assert.deepEqual(byId.get(region.id) ?? new Set(), listed, region.id);
    }
    assert.notEqual(resolveRegion('azure', 'eastus2', null).id, resolveRegion('aws', 'us-east-2', null).id);
    assert.equal(resolveRegion('azure', 'eastus2', null).id, resolveRegion('aws', 'us-east-1', null).id);
  });
});
