import type { PriceRecord, RawPriceOffer } from '../../schemas/types.ts';
import type { Outcome, Pipeline, RecordMeta, RunningPipeline } from '../runner/pipeline.ts';
import type { PricingSettings } from './config.ts';
import { parseOffer } from './offers.ts';
import { canonicalPrice } from './pricing-stages.ts';
import { normalizeRegion } from './regions.ts';
import { categoryOf } from './service-categories.ts';

/** parse → categorize → region → canonical unit and USD, one raw price offer at a time (the runner dedupes). */
export class PricingPipeline implements Pipeline<RawPriceOffer, PriceRecord> {
  readonly component: string;
  private readonly now: () => number;

  constructor(
    private readonly settings: Pick<PricingSettings, 'usdRates'>,
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
    const { service, serviceFamily, region: originalRegion } = listed.value;
    const region = normalizeRegion(originalRegion);
    return {
      kind: 'output',
      eventId: offer.eventId,
      key: `${offer.provider}|${offer.sku}|${offer.region ?? ''}`,
      value: {
        eventId: offer.eventId,
        provider: offer.provider,
        service,
        category: categoryOf(offer.provider, service, serviceFamily),
        region: region.id,
        regionName: region.name,
        originalRegion,
        sku: offer.sku,
        product: listed.value.product,
        pricePerUnitUsd: price.value.pricePerUnitUsd,
        unit: price.value.unit,
        originalAmount: price.value.originalAmount,
        originalCurrency: listed.value.currency,
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
      },
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
