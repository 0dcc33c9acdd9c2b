import type { PriceRecord, RawPriceOffer } from '../../schemas/types.ts';
import type { Outcome, Pipeline, RecordMeta, RunningPipeline } from '../runner/pipeline.ts';
import type { PricingSettings } from './config.ts';
import { parseOffer } from './offers.ts';
import { canonicalPrice } from './pricing-stages.ts';
import { resolveRegion } from './regions.ts';
import { categoryOf } from './service-categories.ts';

/**
 * A price's identity, the key of normalized.pricing.prices.v1: a price in another currency, type,
 * term, purchase option or tier is another price, never a new version of this one.
 */
export function priceKey(
  price: Pick<
    PriceRecord,
    'provider' | 'sku' | 'region' | 'originalCurrency' | 'priceType' | 'term' | 'purchaseOption' | 'tierStart'
  >,
): string {
  return [
    price.provider,
    price.sku,
    price.region,
    price.originalCurrency,
    price.priceType,
    price.term ?? '',
    price.purchaseOption ?? '',
    price.tierStart,
  ].join('|');
}

/** parse → categorize → region → canonical unit and USD, one raw price offer at a time (the runner dedupes). */
export class PricingPipeline implements Pipeline<RawPriceOffer, PriceRecord> {
  readonly component: string;
  private readonly now: () => number;

  constructor(
    private readonly settings: Pick<PricingSettings, 'usdRates' | 'usdRatesDate'>,
    { component = 'pricing-processor', now = Date.now }: { component?: string; now?: () => number } = {},
  ) {
    this.component = component;
    this.now = now;
  }

  process(offer: RawPriceOffer, meta: RecordMeta): Outcome<PriceRecord> {
    const listed = parseOffer(offer);
    if (!listed.ok) return { kind: 'rejected', rejection: listed.rejection };
    const price = canonicalPrice(listed.value, this.settings.usdRates);
    if (!price.ok) return { kind: 'rejected', rejection: price.rejection };
    const { provider, service, serviceFamily, regionCode, regionName, currency, attributes } = listed.value;
    const region = resolveRegion(provider, regionCode, regionName);
    const value: PriceRecord = {
      eventId: offer.eventId,
      provider,
      service,
      category: categoryOf(provider, service, serviceFamily),
      region: region.id,
      regionName: region.name,
      originalRegion: regionCode || regionName || null,
      sku: offer.sku,
      product: listed.value.product,
      pricePerUnitUsd: price.value.pricePerUnitUsd,
      unit: price.value.unit,
      originalAmount: price.value.originalAmount,
      originalCurrency: currency,
      originalUnit: listed.value.unit,
      priceType: listed.value.priceType,
      term: listed.value.term,
      tierStart: price.value.tierStart,
      effectiveFrom: listed.value.effectiveFrom,
      collectionId: offer.collectionId,
      fetchedAt: offer.fetchedAt,
      processedAt: this.now(),
      lineage: { topic: meta.topic, partition: meta.partition, offset: meta.offset },
      traceId: offer.traceId,
      purchaseOption: listed.value.purchaseOption,
      offeringClass: listed.value.offeringClass,
      tierEnd: price.value.tierEnd,
      amortized: price.value.amortized,
      usdRate: price.value.usdRate,
      usdRateDate: currency === 'USD' ? null : this.settings.usdRatesDate,
      regionMapped: region.mapped,
      providerRegionName: regionName || null,
      ...attributes,
    };
    return {
      kind: 'output',
      eventId: offer.eventId,
      key: priceKey(value),
      value,
      notes: region.mapped ? undefined : [`region_unmapped:${region.id}`],
    };
  }
}

/** The pricing pipeline: it holds nothing to start (see StartPipeline). */
export async function startPipeline(
  settings: PricingSettings,
  component: string,
): Promise<RunningPipeline<RawPriceOffer, PriceRecord>> {
  return { pipeline: new PricingPipeline(settings, { component }), stop: async () => undefined };
}
