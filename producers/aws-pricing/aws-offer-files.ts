import { pipeline, Transform } from 'node:stream';
import Assembler from 'stream-json/Assembler.js';
import Parser from 'stream-json/Parser.js';
import { classifyError, describeError, SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ComponentMetrics } from '../../lib/metrics.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { PoliteClient } from '../pricing-collection/polite-client.ts';
import type { FetchedPage, PriceSource, SourceContext } from '../pricing-collection/pricing-collector.ts';
import type { RunFilters, StreamState } from '../pricing-collection/run-store.ts';
import {
  type AwsFilters,
  awsPriceOffers,
  commaList,
  type OfferHeader,
  parseAwsFilters,
} from './aws-price-items.ts';
import type { AwsPricingSettings } from './config.ts';

/** Where a stream stands in its offer file: the items before `skip` are acknowledged. */
export interface OfferFileCursor {
  url: string;
  skip: number;
}

interface Token {
  name: string;
  value?: string;
}

const headerFields = new Set(['offerCode', 'version', 'publicationDate']);

/**
 * Turns the token stream of an offer file into raw events, holding only the products map in
 * memory (terms follow products in every AWS offer file): each `terms.<type>.<sku>` object is
 * assembled, expanded into one event per price dimension and released.
 */
export class OfferFileWalker extends Transform {
  private readonly header: OfferHeader = { offerCode: '', version: '', publicationDate: '' };
  private readonly products = new Map<string, unknown>();
  /** Keys of the containers the parser is inside, outermost first. */
  private readonly path: string[] = [];
  private key = '';
  private assembler?: Assembler;
  private assembling: 'product' | 'term' | undefined;
  private assembledKey = '';
  private index = 0;

  constructor(
    private readonly skip: number,
    private readonly context: { runId: string; sourceUrl: string; fetchedAt: number },
  ) {
    super({ objectMode: true, writableHighWaterMark: 1024, readableHighWaterMark: 4 });
  }

  override _transform(token: Token, _encoding: string, callback: (error?: Error | null) => void): void {
    try {
      this.consume(token);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(token: Token): void {
    if (this.assembler) {
      this.assembler.consume(token);
      if (this.assembler.done) this.assembled(this.assembler.current);
      return;
    }
    switch (token.name) {
      case 'keyValue':
        this.key = token.value ?? '';
        return;
      case 'startObject':
      case 'startArray': {
        const depth = this.path.length;
        const target =
          depth === 2 && this.path[1] === 'products'
            ? 'product'
            : depth === 3 && this.path[1] === 'terms'
              ? 'term'
              : undefined;
        if (target) {
          this.assembling = target;
          this.assembledKey = this.key;
          this.assembler = new Assembler();
          this.assembler.consume(token);
          return;
        }
        this.path.push(this.key);
        return;
      }
      case 'endObject':
      case 'endArray':
        this.path.pop();
        return;
      case 'stringValue':
        if (this.path.length === 1 && headerFields.has(this.key)) {
          this.header[this.key as keyof OfferHeader] = token.value ?? '';
        }
        return;
      default:
        return;
    }
  }

  private assembled(value: unknown): void {
    this.assembler = undefined;
    if (this.assembling === 'product') {
      this.products.set(this.assembledKey, value);
      return;
    }
    const termType = this.path[2] ?? '';
    const offers = awsPriceOffers(
      this.products.get(this.assembledKey),
      termType,
      value as Record<string, unknown>,
      this.header,
      {
        ...this.context,
        attributes: { offerFile: this.context.sourceUrl, offerVersion: this.header.version },
      },
    );
    const fresh: RawPriceOffer[] = [];
    for (const offer of offers) {
      if (this.index >= this.skip)
        fresh.push({ ...offer, attributes: { ...offer.attributes, itemOffset: String(this.index) } });
      this.index += 1;
    }
    if (fresh.length > 0) this.push(fresh);
  }
}

/**
 * The bulk offer files over plain HTTPS: offer index → each service's region index → one offer
 * file per service and region, streamed (never loaded whole) and checkpointed every `chunkItems`.
 */
export class AwsOfferFileSource implements PriceSource<OfferFileCursor> {
  readonly provider = 'aws' as const;
  readonly client: PoliteClient;
  readonly concurrency: number;
  private readonly filters: AwsFilters;

  constructor(
    private readonly settings: AwsPricingSettings,
    filters: RunFilters,
    private readonly logger: Logger,
    metrics: ComponentMetrics,
  ) {
    this.filters = parseAwsFilters(filters);
    this.client = new PoliteClient(new URL(settings.offersUrl).host, settings, logger, metrics);
    this.concurrency = settings.concurrency;
  }

  private resolve(path: string): string {
    return new URL(path, `${this.settings.offersUrl}/`).toString();
  }

  async plan({ signal }: SourceContext): Promise<StreamState<OfferFileCursor>[]> {
    const indexUrl = this.resolve('/offers/v1.0/aws/index.json');
    const index = (await this.client.getJson(indexUrl, signal)).body as {
      offers?: Record<string, { currentRegionIndexUrl?: string }>;
    };
    if (!index?.offers) {
      throw new SluiceError('ING_PRICING_PAGE_INVALID', `${indexUrl} is not an offer index (no offers)`, {
        details: { url: indexUrl },
      });
    }
    const wanted = commaList(this.filters.serviceCode);
    const unknown = wanted.filter((code) => !index.offers?.[code]);
    if (unknown.length > 0) {
      throw new SluiceError(
        'ING_VALIDATION_FAILED',
        `unknown AWS service code(s) ${unknown.join(', ')}; the offer index lists e.g. ${Object.keys(index.offers).slice(0, 5).join(', ')}`,
        { disposition: 'fatal' },
      );
    }
    const regions = new Set(commaList(this.filters.regionCode));
    const streams: StreamState<OfferFileCursor>[] = [];
    for (const code of wanted.length > 0 ? wanted : Object.keys(index.offers)) {
      const regionIndexPath = index.offers[code]?.currentRegionIndexUrl;
      if (!regionIndexPath) continue;
      const regionIndexUrl = this.resolve(regionIndexPath);
      const regionIndex = (await this.client.getJson(regionIndexUrl, signal)).body as {
        regions?: Record<string, { regionCode?: string; currentVersionUrl?: string }>;
      };
      if (!regionIndex?.regions) {
        throw new SluiceError(
          'ING_PRICING_PAGE_INVALID',
          `${regionIndexUrl} is not a region index (no regions)`,
          {
            details: { url: regionIndexUrl },
          },
        );
      }
      for (const [regionCode, region] of Object.entries(regionIndex.regions)) {
        if (!region.currentVersionUrl || (regions.size > 0 && !regions.has(regionCode))) continue;
        streams.push({
          key: `${code}/${regionCode}`,
          cursor: { url: this.resolve(region.currentVersionUrl), skip: 0 },
          page: 0,
        });
      }
    }
    return streams;
  }

  /**
   * Streams one offer file from the cursor's item offset. A dropped connection re-opens the file
   * and skips to the last item handed on; a file that is not valid JSON fails its stream.
   */
  async *pages(
    stream: StreamState<OfferFileCursor>,
    { runId, signal }: SourceContext,
  ): AsyncIterable<FetchedPage<OfferFileCursor>> {
    const cursor = stream.cursor;
    if (!cursor) return;
    let handedOn = cursor.skip;
    for (let reopened = 0; ; reopened++) {
      const chunk: RawPriceOffer[] = [];
      try {
        const body = await this.client.getStream(cursor.url, signal);
        const walker = new OfferFileWalker(handedOn, { runId, sourceUrl: cursor.url, fetchedAt: Date.now() });
        pipeline(body, Parser.make({ packValues: true, streamValues: false }), walker, () => {});
        for await (const offers of walker as AsyncIterable<RawPriceOffer[]>) {
          chunk.push(...offers);
          while (chunk.length >= this.settings.chunkItems) {
            const page = chunk.splice(0, this.settings.chunkItems);
            handedOn += page.length;
            yield { sourceUrl: cursor.url, offers: page, next: { url: cursor.url, skip: handedOn } };
          }
        }
        yield { sourceUrl: cursor.url, offers: chunk, next: null };
        return;
      } catch (err) {
        if (signal.aborted) throw err;
        const error = fileError(err, cursor.url, handedOn);
        if (error.retriable && reopened < this.settings.retries) {
          this.logger.warn(
            { url: cursor.url, offset: handedOn, err: error.message },
            'offer file interrupted; re-opening',
          );
          continue;
        }
        throw error;
      }
    }
  }

  close(): void {
    this.client.close();
  }
}

/** Errors of the JSON parser mean the file itself is broken: its stream fails with a clear reason. */
function fileError(err: unknown, url: string, offset: number): SluiceError {
  const message = describeError(err);
  if (err instanceof SluiceError) {
    return new SluiceError(err.code, `offer file ${url} failed after item ${offset}: ${message}`, {
      cause: err,
      disposition: err.disposition,
      details: { url },
    });
  }
  if (/^Parser (cannot parse input|has expected)/.test(message)) {
    return new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `offer file ${url} is not valid JSON after item ${offset}: ${message}`,
      {
        cause: err,
        details: { url },
      },
    );
  }
  return new SluiceError(
    classifyError(err).code,
    `offer file ${url} failed after item ${offset}: ${message}`,
    {
      cause: err,
      details: { url },
    },
  );
}
