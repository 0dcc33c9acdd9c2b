import { z } from 'zod';
import { SluiceError } from '../../lib/errors.ts';
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

interface PriceDimension {
  rateCode: string;
  [field: string]: unknown;
}

interface Term {
  sku: string;
  offerTermCode: string;
  effectiveDate: string;
  priceDimensions: Record<string, PriceDimension>;
  [field: string]: unknown;
}

/** The offer file's (or Price List element's) top-level fields every item carries along. */
export interface OfferHeader {
  offerCode: string;
  version: string;
  publicationDate: string;
}

export interface ItemContext {
  runId: string;
  sourceUrl: string;
  fetchedAt: number;
  attributes: Record<string, string>;
}

function invalid(context: ItemContext, what: string): SluiceError {
  return new SluiceError('ING_PRICING_PAGE_INVALID', `${what} in ${context.sourceUrl}`, {
    details: { url: context.sourceUrl },
  });
}

/**
 * One raw event per price dimension, each item in the Price List shape: the product, the service
 * code and a `terms` object holding just this term with just this dimension, so processors read
 * bulk files and Query API pages alike.
 */
export function awsPriceOffers(
  product: unknown,
  termType: string,
  termsOfSku: Record<string, unknown>,
  header: OfferHeader,
  context: ItemContext,
): RawPriceOffer[] {
  const attributes = (product as { attributes?: Record<string, unknown> } | undefined)?.attributes;
  const regionValue = attributes?.regionCode ?? attributes?.location;
  const region = typeof regionValue === 'string' && regionValue ? regionValue : null;
  const offers: RawPriceOffer[] = [];
  for (const [termKey, value] of Object.entries(termsOfSku)) {
    const term = value as Partial<Term> | null;
    if (
      !term?.sku ||
      !term.offerTermCode ||
      !term.effectiveDate ||
      typeof term.priceDimensions !== 'object'
    ) {
      throw invalid(context, `term ${termKey} lacks sku, offerTermCode, effectiveDate or priceDimensions`);
    }
    for (const [dimensionKey, dimension] of Object.entries(term.priceDimensions ?? {})) {
      if (!dimension?.rateCode) throw invalid(context, `price dimension ${dimensionKey} has no rateCode`);
      const sku = `${term.sku}/${term.offerTermCode}/${dimension.rateCode}`;
      offers.push({
        eventId: pricingEventId('aws', sku, term.effectiveDate),
        provider: 'aws',
        collectionId: context.runId,
        sku,
        region,
        item: JSON.stringify({
          product: product ?? null,
          serviceCode: header.offerCode,
          terms: { [termType]: { [termKey]: { ...term, priceDimensions: { [dimensionKey]: dimension } } } },
          version: header.version,
          publicationDate: header.publicationDate,
        }),
        sourceUrl: context.sourceUrl,
        fetchedAt: context.fetchedAt,
        attributes: { ...context.attributes, termType },
        traceId: null,
      });
    }
  }
  return offers;
}
