import { z } from 'zod';
import { SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ComponentMetrics } from '../../lib/metrics.ts';
import {
  type AzureRetailItem,
  type AzureRetailPage,
  savingsPlanTermAttribute,
} from '../../schemas/pricing/azure-retail-prices.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { JsonMembers } from '../pricing-collection/json-members.ts';
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

/**
 * One page's cursor: its query (filter, currency, api-version, `$skip`), the position in the price
 * list without the host, so a resume asks the endpoint configured then (AZURE_PRICING_URL).
 */
export interface AzureCursor {
  query: string;
}

const odataString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** The first page's query of one stream, with the documented parameters. */
export function azureFirstPageQuery(
  settings: Pick<AzurePricingSettings, 'apiVersion'>,
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
  return query.join('&');
}

/** The query of a page URL (NextPageLink): the position, whatever host the link names. */
export function pageQuery(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** A stored cursor; one written before cursors held the query (a whole URL) is read as that URL's query. */
function azureCursor(stored: unknown): AzureCursor | null {
  if (!stored) return null;
  const cursor = stored as Partial<AzureCursor> & { url?: string };
  if (typeof cursor.query === 'string') return { query: cursor.query };
  if (typeof cursor.url === 'string') return { query: pageQuery(cursor.url) };
  throw new SluiceError('ING_VALIDATION_FAILED', `Azure checkpoint ${JSON.stringify(stored)} has no query`);
}

const isItems = (path: readonly string[]) => path.length === 2 && path[0] === 'Items';

/** The exact source text of each `Items[]` element, in order. */
function itemTexts(text: string): string[] {
  const items: string[] = [];
  const members = new JsonMembers(isItems, (_path, value) => items.push(value.toString('utf8')));
  members.write(Buffer.from(text, 'utf8'));
  members.end();
  return items;
}

function isItem(value: unknown): value is AzureRetailItem {
  const item = value as Partial<AzureRetailItem> | null;
  return typeof item?.meterId === 'string' && typeof item.effectiveStartDate === 'string';
}

/**
 * The raw events of one page: each item verbatim, and once more per savingsPlan[] entry (marked by
 * the savingsPlanTerm attribute), each its own price. A page without an `Items` array or with an item
 * lacking its natural key (meterId, effectiveStartDate) is not a Retail Prices page: it fails whole.
 */
export function azurePageOffers(
  { text, body }: { text: string; body: unknown },
  context: { runId: string; url: string; page: number; apiVersion: string; fetchedAt: number },
): { offers: RawPriceOffer[]; nextPageLink: string | null } {
  const page = body as Partial<AzureRetailPage> | null;
  if (!page || !Array.isArray(page.Items)) {
    throw new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `${context.url} is not a Retail Prices page (no Items array)`,
      { details: { url: context.url } },
    );
  }
  const rawItems = itemTexts(text);
  if (rawItems.length !== page.Items.length) {
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
  const offers: RawPriceOffer[] = [];
  page.Items.forEach((item: unknown, index) => {
    if (!isItem(item)) {
      throw new SluiceError(
        'ING_PRICING_PAGE_INVALID',
        `item ${index} of ${context.url} has no meterId or effectiveStartDate`,
        { details: { url: context.url } },
      );
    }
    const offer = (sku: string, offerAttributes: Record<string, string>): RawPriceOffer => ({
      // the same meter is priced once per currency: the currency belongs to the identity
      eventId: pricingEventId('azure', `${sku}/${item.currencyCode ?? ''}`, item.effectiveStartDate),
      provider: 'azure',
      collectionId: context.runId,
      sku,
      region: item.armRegionName || null,
      item: rawItems[index] as string,
      sourceUrl: context.url,
      fetchedAt: context.fetchedAt,
      attributes: offerAttributes,
      traceId: null,
    });
    const meter = `${item.meterId}/${item.skuId ?? ''}`;
    const tier = item.tierMinimumUnits ?? 0;
    offers.push(offer(`${meter}/${item.type ?? ''}/${item.reservationTerm ?? ''}/${tier}`, attributes));
    for (const plan of Array.isArray(item.savingsPlan) ? item.savingsPlan : []) {
      if (typeof plan?.term !== 'string') continue;
      offers.push(
        offer(`${meter}/SavingsPlan/${plan.term}/${tier}`, {
          ...attributes,
          [savingsPlanTermAttribute]: plan.term,
        }),
      );
    }
  });
  return { offers, nextPageLink };
}

/** The Azure Retail Prices API: one stream per service filter, each following NextPageLink to the end. */
export class AzureRetailSource implements PriceSource<AzureCursor> {
  readonly provider = 'azure' as const;
  readonly client: PoliteClient;
  readonly concurrency: number;
  private readonly filters: AzureFilters;
  readonly endpoint: { url: string; setting: string };

  constructor(
    private readonly settings: AzurePricingSettings,
    filters: RunFilters,
    logger: Logger,
    metrics: ComponentMetrics,
  ) {
    this.filters = parseAzureFilters(filters);
    this.endpoint = { url: settings.url, setting: 'AZURE_PRICING_URL' };
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
      cursor: { query: azureFirstPageQuery(this.settings, this.filters, serviceName) },
      page: 0,
    }));
  }

  /** Follows NextPageLink from the cursor's page; every page is asked of AZURE_PRICING_URL as configured now. */
  async *pages(
    stream: StreamState<AzureCursor>,
    { runId, signal }: SourceContext,
  ): AsyncIterable<FetchedPage<AzureCursor>> {
    let cursor = azureCursor(stream.cursor);
    for (let page = stream.page + 1; cursor && !signal.aborted; page++) {
      const url = `${this.settings.url}?${cursor.query}`;
      const fetched = await this.client.getJson(url, signal);
      const { offers, nextPageLink } = azurePageOffers(fetched, {
        runId,
        url,
        page,
        apiVersion: this.settings.apiVersion,
        fetchedAt: Date.now(),
      });
      cursor = nextPageLink ? { query: pageQuery(nextPageLink) } : null;
      yield { sourceUrl: url, offers, next: cursor };
    }
  }

  close(): void {
    this.client.close();
  }
}
