import { z } from 'zod';
import { SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ComponentMetrics } from '../../lib/metrics.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { PoliteClient } from '../pricing-collection/polite-client.ts';
import type { FetchedPage, PriceSource, SourceContext } from '../pricing-collection/pricing-collector.ts';
import { pricingEventId } from '../pricing-collection/raw-offers.ts';
import type { RunFilters, StreamState } from '../pricing-collection/run-store.ts';
import type { AzurePricingSettings } from './config.ts';

/** Filters of an Azure run: OData `$filter` fields, plus the currency (its own query parameter). */
export const azureFiltersSchema = z
  .object({
    serviceName: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('service names, comma-separated: one stream each'),
    armRegionName: z.string().trim().min(1).optional(),
    priceType: z.enum(['Consumption', 'Reservation', 'DevTestConsumption']).optional(),
    currencyCode: z
      .string()
      .trim()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD or EUR')
      .optional(),
  })
  .strict();

export type AzureFilters = z.infer<typeof azureFiltersSchema>;

export function parseAzureFilters(filters: RunFilters): AzureFilters {
  const parsed = azureFiltersSchema.safeParse(filters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SluiceError(
      'ING_VALIDATION_FAILED',
      `Azure filter ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/** One page's cursor: the URL to fetch (the first page's, then NextPageLink). */
export interface AzureCursor {
  url: string;
}

const odataString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The first page's URL of one stream, with the documented query parameters. */
export function azureFirstPageUrl(
  settings: Pick<AzurePricingSettings, 'url' | 'apiVersion'>,
  filters: AzureFilters,
  serviceName?: string,
): string {
  const clauses = [
    serviceName && `serviceName eq ${odataString(serviceName)}`,
    filters.armRegionName && `armRegionName eq ${odataString(filters.armRegionName)}`,
    filters.priceType && `priceType eq ${odataString(filters.priceType)}`,
  ].filter(Boolean);
  // written out rather than URLSearchParams: the API documents `$filter` with %20 for spaces, not `%24filter` and `+`
  const query = [`api-version=${encodeURIComponent(settings.apiVersion)}`];
  if (filters.currencyCode)
    query.push(`currencyCode=${encodeURIComponent(odataString(filters.currencyCode))}`);
  if (clauses.length > 0) query.push(`$filter=${encodeURIComponent(clauses.join(' and '))}`);
  return `${settings.url}?${query.join('&')}`;
}

interface AzureItem {
  meterId: string;
  skuId?: string;
  type?: string;
  reservationTerm?: string;
  tierMinimumUnits?: number;
  currencyCode?: string;
  effectiveStartDate: string;
  armRegionName?: string;
}

function isItem(value: unknown): value is AzureItem {
  const item = value as Partial<AzureItem> | null;
  return typeof item?.meterId === 'string' && typeof item.effectiveStartDate === 'string';
}

/** Index of the quote closing the string that opens at `open` (a quote preceded by an odd run of backslashes is escaped). */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  while (close > 0) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
  return text.length;
}

/**
 * The source text of each element of the array under `key` in the top-level object of `text`
 * (JSON that already parsed), so items are published exactly as the API wrote them.
 */
export function rawArrayElements(text: string, key: string): string[] | undefined {
  const quotedKey = `"${key}"`;
  const elements: string[] = [];
  let depth = 0;
  let arrayDepth = -1;
  let afterKey = false;
  let elementStart = -1;
  const endElement = (end: number) => {
    if (elementStart >= 0) elements.push(text.slice(elementStart, end).trimEnd());
    elementStart = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      i = stringEnd(text, i);
      if (depth === 1 && arrayDepth < 0)
        afterKey = i - start + 1 === quotedKey.length && text.startsWith(quotedKey, start);
      if (depth === arrayDepth && elementStart < 0) elementStart = start;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === arrayDepth && elementStart < 0) elementStart = i;
      depth++;
      if (c === 0x5b && afterKey && depth === 2) arrayDepth = 2;
      afterKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === arrayDepth) {
        endElement(i);
        return elements;
      }
      depth--;
    } else if (c === 0x2c && depth === arrayDepth) {
      endElement(i);
    } else if (depth === arrayDepth && elementStart < 0 && c > 0x20) {
      elementStart = i;
    }
  }
  return undefined;
}

/**
 * The raw events of one page. A page without an `Items` array or with an item lacking its
 * natural key (meterId, effectiveStartDate) is not a Retail Prices page: it fails as a whole.
 */
export function azurePageOffers(
  { text, body }: { text: string; body: unknown },
  context: { runId: string; url: string; page: number; apiVersion: string; fetchedAt: number },
): { offers: RawPriceOffer[]; nextPageLink: string | null } {
  const page = body as { Items?: unknown; NextPageLink?: unknown } | null;
  if (!page || !Array.isArray(page.Items)) {
    throw new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `${context.url} is not a Retail Prices page (no Items array)`,
      {
        details: { url: context.url },
      },
    );
  }
  const rawItems = rawArrayElements(text, 'Items');
  if (rawItems?.length !== page.Items.length) {
    throw new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `${context.url}: the Items array could not be delimited`,
      {
        details: { url: context.url },
      },
    );
  }
  const nextPageLink = typeof page.NextPageLink === 'string' && page.NextPageLink ? page.NextPageLink : null;
  const attributes = {
    page: String(context.page),
    // the page's URL is the event's sourceUrl; NextPageLink is left out: ~170 bytes on every item
    apiVersion: context.apiVersion,
  };
  const offers = page.Items.map((item: unknown, index): RawPriceOffer => {
    if (!isItem(item)) {
      throw new SluiceError(
        'ING_PRICING_PAGE_INVALID',
        `item ${index} of ${context.url} has no meterId or effectiveStartDate`,
        { details: { url: context.url } },
      );
    }
    const sku = `${item.meterId}/${item.skuId ?? ''}/${item.type ?? ''}/${item.reservationTerm ?? ''}/${item.tierMinimumUnits ?? 0}`;
    return {
      // the same meter is priced once per currency: the currency belongs to the identity
      eventId: pricingEventId('azure', `${sku}/${item.currencyCode ?? ''}`, item.effectiveStartDate),
      provider: 'azure',
      collectionId: context.runId,
      sku,
      region: item.armRegionName || null,
      item: rawItems[index] as string,
      sourceUrl: context.url,
      fetchedAt: context.fetchedAt,
      attributes,
      traceId: null,
    };
  });
  return { offers, nextPageLink };
}

/** The Azure Retail Prices API: one stream per service filter, each following NextPageLink to the end. */
export class AzureRetailSource implements PriceSource<AzureCursor> {
  readonly provider = 'azure' as const;
  readonly client: PoliteClient;
  readonly concurrency: number;
  private readonly filters: AzureFilters;

  constructor(
    private readonly settings: AzurePricingSettings,
    filters: RunFilters,
    logger: Logger,
    metrics: ComponentMetrics,
  ) {
    this.filters = parseAzureFilters(filters);
    this.client = new PoliteClient(new URL(settings.url).host, settings, logger, metrics);
    this.concurrency = settings.concurrency;
  }

  async plan(): Promise<StreamState<AzureCursor>[]> {
    const services =
      this.filters.serviceName
        ?.split(',')
        .map((name) => name.trim())
        .filter(Boolean) ?? [];
    const streams = services.length > 0 ? services : [undefined];
    return streams.map((serviceName) => ({
      key: serviceName ?? 'all services',
      cursor: { url: azureFirstPageUrl(this.settings, this.filters, serviceName) },
      page: 0,
    }));
  }

  async *pages(
    stream: StreamState<AzureCursor>,
    { runId, signal }: SourceContext,
  ): AsyncIterable<FetchedPage<AzureCursor>> {
    let url = stream.cursor?.url;
    for (let page = stream.page + 1; url && !signal.aborted; page++) {
      const fetched = await this.client.getJson(url, signal);
      const { offers, nextPageLink } = azurePageOffers(fetched, {
        runId,
        url,
        page,
        apiVersion: this.settings.apiVersion,
        fetchedAt: Date.now(),
      });
      yield { sourceUrl: url, offers, next: nextPageLink ? { url: nextPageLink } : null };
      url = nextPageLink ?? undefined;
    }
  }

  close(): void {
    this.client.close();
  }
}
