import { GetProductsCommand, PricingClient, type PricingClientConfig } from '@aws-sdk/client-pricing';
import { SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ComponentMetrics } from '../../lib/metrics.ts';
import type { AwsPriceListItem } from '../../schemas/pricing/aws-price-list.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { PoliteClient, retryAfterMs } from '../pricing-collection/polite-client.ts';
import type { FetchedPage, PriceSource, SourceContext } from '../pricing-collection/pricing-collector.ts';
import type { RunFilters, StreamState } from '../pricing-collection/run-store.ts';
import {
  type AwsFilters,
  awsPriceOffers,
  commaList,
  parseAwsFilters,
  productText,
} from './aws-price-items.ts';
import type { AwsPricingSettings } from './config.ts';

export type AwsCredentials = PricingClientConfig['credentials'];

/** NextToken of GetProducts; null before the first page. */
export interface QueryCursor {
  nextToken: string | null;
}

/** SDK errors carry the HTTP status and the service's error name: map them onto the taxonomy. */
export function classifyPricingApiError(err: unknown): SluiceError {
  const error = err as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string | undefined> };
  };
  const status = error.$metadata?.httpStatusCode;
  const message = `Price List Query API: ${error.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${error.message ?? String(err)}`;
  if (error.name === 'CredentialsProviderError') {
    return new SluiceError(
      'ING_CONFIG_INVALID',
      `no AWS credentials for the Price List Query API: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or collect with --source bulk (${error.message})`,
      { cause: err },
    );
  }
  if (status === 429 || error.name === 'ThrottlingException') {
    const retryAfter = retryAfterMs(error.$response?.headers?.['retry-after'] ?? null);
    return new SluiceError('ING_FETCH_THROTTLED', message, {
      cause: err,
      details: { retryAfterMs: retryAfter },
    });
  }
  if (
    (status !== undefined && status >= 500) ||
    error.name === 'InternalErrorException' ||
    error.name === 'ServiceUnavailableException'
  ) {
    return new SluiceError('ING_FETCH_UPSTREAM', message, { cause: err });
  }
  if (status !== undefined && status >= 400)
    return new SluiceError('ING_FETCH_REJECTED', message, { cause: err });
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout')
    return new SluiceError('ING_TIMEOUT', message, { cause: err });
  if (error.name === 'SyntaxError' || /Deserialization|JSON/i.test(message)) {
    return new SluiceError('ING_PRICING_PAGE_INVALID', message, { cause: err });
  }
  return new SluiceError('ING_NETWORK', message, { cause: err });
}

/**
 * The Price List Query API (GetProducts) through @aws-sdk/client-pricing with the standard
 * credential chain: one stream per service code, paging with NextToken. Retries, throttling and
 * the circuit breaker are ours (the SDK's own retries are off), as for every other source.
 */
export class AwsPriceListQuerySource implements PriceSource<QueryCursor> {
  readonly provider = 'aws' as const;
  readonly client: PoliteClient;
  readonly concurrency: number;
  private readonly filters: AwsFilters;
  private readonly sdk: PricingClient;
  private readonly endpointLabel: string;
  readonly endpoint: { url: string; setting: string };

  constructor(
    settings: AwsPricingSettings,
    filters: RunFilters,
    logger: Logger,
    metrics: ComponentMetrics,
    credentials?: AwsCredentials,
  ) {
    this.filters = parseAwsFilters(filters);
    if (commaList(this.filters.serviceCode).length === 0) {
      throw new SluiceError(
        'ING_VALIDATION_FAILED',
        'the Price List Query API needs --service (e.g. AmazonEC2)',
      );
    }
    this.endpointLabel = settings.queryEndpoint ?? `api.pricing.${settings.queryRegion}.amazonaws.com`;
    this.endpoint = {
      url: this.endpointLabel,
      setting: settings.queryEndpoint ? 'AWS_PRICING_QUERY_ENDPOINT' : 'AWS_PRICING_QUERY_REGION',
    };
    this.sdk = new PricingClient({
      region: settings.queryRegion,
      endpoint: settings.queryEndpoint,
      credentials,
      maxAttempts: 1,
      requestHandler: { requestTimeout: settings.requestTimeoutMs },
    });
    this.client = new PoliteClient(this.endpointLabel, settings, logger, metrics);
    this.concurrency = settings.concurrency;
  }

  async plan(): Promise<StreamState<QueryCursor>[]> {
    const regions = commaList(this.filters.regionCode);
    return commaList(this.filters.serviceCode).flatMap((serviceCode) =>
      (regions.length > 0 ? regions : [undefined]).map((regionCode) => ({
        key: regionCode ? `${serviceCode}/${regionCode}` : serviceCode,
        cursor: { nextToken: null },
        page: 0,
      })),
    );
  }

  async *pages(
    stream: StreamState<QueryCursor>,
    { runId, signal }: SourceContext,
  ): AsyncIterable<FetchedPage<QueryCursor>> {
    const [serviceCode = '', regionCode] = stream.key.split('/');
    let cursor: QueryCursor | null = stream.cursor;
    for (let page = stream.page + 1; cursor && !signal.aborted; page++) {
      const sourceUrl = `${this.endpointLabel} GetProducts ${stream.key} page ${page}`;
      const input = {
        ServiceCode: serviceCode,
        FormatVersion: 'aws_v1',
        MaxResults: 100,
        NextToken: cursor.nextToken ?? undefined,
        Filters: regionCode
          ? [{ Type: 'TERM_MATCH' as const, Field: 'regionCode', Value: regionCode }]
          : undefined,
      };
      const response = await this.client.call(
        sourceUrl,
        () => this.sdk.send(new GetProductsCommand(input), { abortSignal: signal }),
        { signal, classify: classifyPricingApiError },
      );
      const offers = (response.PriceList ?? []).flatMap((text: string, index: number) =>
        priceListOffers(text, index, { runId, sourceUrl, page }),
      );
      cursor = response.NextToken ? { nextToken: response.NextToken } : null;
      yield { sourceUrl, offers, next: cursor };
    }
  }

  close(): void {
    this.sdk.destroy();
    this.client.close();
  }
}

/** A PriceList element is a JSON string: one product with all its terms (`terms.<type>.<sku.offerTermCode>`). */
export function priceListOffers(
  text: string,
  index: number,
  context: { runId: string; sourceUrl: string; page: number },
): RawPriceOffer[] {
  let element: Partial<AwsPriceListItem>;
  try {
    element = JSON.parse(text) as Partial<AwsPriceListItem>;
  } catch (err) {
    throw new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `PriceList[${index}] of ${context.sourceUrl} is not JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!element.product || typeof element.terms !== 'object' || element.terms === null) {
    throw new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `PriceList[${index}] of ${context.sourceUrl} is not a product with terms`,
    );
  }
  const header = {
    offerCode: element.serviceCode ?? '',
    version: element.version ?? '',
    publicationDate: element.publicationDate ?? '',
  };
  const product = productText(element.product);
  const fetchedAt = Date.now();
  return Object.entries(element.terms).flatMap(([termType, termsOfType]) =>
    awsPriceOffers(product, termType, termsOfType, header, {
      runId: context.runId,
      sourceUrl: context.sourceUrl,
      fetchedAt,
      fallbackRegion: null,
      attributes: { page: String(context.page), api: 'GetProducts' },
    }),
  );
}
