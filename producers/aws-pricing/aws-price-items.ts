import { z } from 'zod';
import { SluiceError } from '../../lib/errors.ts';
import type { AwsProduct, AwsTerm } from '../../schemas/pricing/aws-price-list.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { pricingEventId } from '../pricing-collection/raw-offers.ts';
import type { RunFilters } from '../pricing-collection/run-store.ts';

/** Filters of an AWS run: service codes (one stream per service and region) and region codes. */
export const awsFiltersSchema = z
  .object({
    source: z
      .enum(['bulk', 'query'])
      .default('bulk')
      .describe('bulk offer files or the Price List Query API'),
    serviceCode: z.string().trim().min(1).optional().describe('comma-separated, e.g. AmazonEC2,AmazonS3'),
    regionCode: z.string().trim().min(1).optional().describe('comma-separated, e.g. us-east-1,eu-west-1'),
  })
  .strict();

export type AwsFilters = z.infer<typeof awsFiltersSchema>;

export function parseAwsFilters(filters: RunFilters): AwsFilters {
  const parsed = awsFiltersSchema.safeParse(filters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SluiceError('ING_VALIDATION_FAILED', `AWS filter ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

export const commaList = (text: string | undefined): string[] =>
  text
    ?.split(',')
    .map((part) => part.trim())
    .filter(Boolean) ?? [];

/** The offer file's (or PriceList element's) top-level fields every item carries along. */
export interface OfferHeader {
  offerCode: string;
  version: string;
  publicationDate: string;
}

/** A product as the items embed it: its compact JSON text, and its region as the raw event names it. */
export interface ProductText {
  text: string;
  /** regionCode (or fromRegionCode, or location); null for prices without a region. */
  region: string | null;
}

export interface ItemContext {
  runId: string;
  sourceUrl: string;
  fetchedAt: number;
  /** The offer file's region (from the region index), for products that name none. */
  fallbackRegion: string | null;
  attributes: Record<string, string>;
}

/** The compact text of a product and the region its prices are in. */
export function productText(product: AwsProduct): ProductText {
  const attributes = product.attributes ?? {};
  const region = attributes.regionCode || attributes.fromRegionCode || attributes.location || null;
  return { text: JSON.stringify(product), region };
}

function invalid(context: ItemContext, what: string): SluiceError {
  return new SluiceError('ING_PRICING_PAGE_INVALID', `${what} in ${context.sourceUrl}`, {
    details: { url: context.sourceUrl },
  });
}

/**
 * One raw event per price dimension, each item a Price List Query API `PriceList` element narrowed
 * to that term and dimension: `{ product, serviceCode, terms: { <type>: { <sku.offerTermCode>: term
 * with one priceDimensions entry } }, version, publicationDate }`, so processors read bulk offer
 * files and Query API pages alike. The product's text is embedded as given, not re-serialized.
 */
export function awsPriceOffers(
  product: ProductText | undefined,
  termType: string,
  termsOfSku: Record<string, AwsTerm>,
  header: OfferHeader,
  context: ItemContext,
): RawPriceOffer[] {
  const offers: RawPriceOffer[] = [];
  const prefix = `{"product":${product?.text ?? 'null'},"serviceCode":${JSON.stringify(header.offerCode)},"terms":{${JSON.stringify(termType)}:{`;
  const suffix = `}},"version":${JSON.stringify(header.version)},"publicationDate":${JSON.stringify(header.publicationDate)}}`;
  const attributes = { ...context.attributes, termType };
  for (const [termKey, term] of Object.entries(termsOfSku)) {
    if (
      !term?.sku ||
      !term.offerTermCode ||
      !term.effectiveDate ||
      typeof term.priceDimensions !== 'object'
    ) {
      throw invalid(context, `term ${termKey} lacks sku, offerTermCode, effectiveDate or priceDimensions`);
    }
    for (const [dimensionKey, dimension] of Object.entries(term.priceDimensions)) {
      if (!dimension?.rateCode) throw invalid(context, `price dimension ${dimensionKey} has no rateCode`);
      const sku = `${term.sku}/${term.offerTermCode}/${dimension.rateCode}`;
      const narrowed = JSON.stringify({ ...term, priceDimensions: { [dimensionKey]: dimension } });
      offers.push({
        eventId: pricingEventId('aws', sku, term.effectiveDate),
        provider: 'aws',
        collectionId: context.runId,
        sku,
        region: product?.region ?? context.fallbackRegion,
        item: `${prefix}${JSON.stringify(termKey)}:${narrowed}${suffix}`,
        sourceUrl: context.sourceUrl,
        fetchedAt: context.fetchedAt,
        attributes,
        traceId: null,
      });
    }
  }
  return offers;
}
