import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyError, describeError, SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ComponentMetrics } from '../../lib/metrics.ts';
import type {
  AwsOfferIndex,
  AwsProduct,
  AwsRegionIndex,
  AwsTerm,
} from '../../schemas/pricing/aws-price-list.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { JsonMembers } from '../pricing-collection/json-members.ts';
import { PoliteClient } from '../pricing-collection/polite-client.ts';
import type { FetchedPage, PriceSource, SourceContext } from '../pricing-collection/pricing-collector.ts';
import type { RunFilters, StreamState } from '../pricing-collection/run-store.ts';
import {
  type AwsFilters,
  awsPriceOffers,
  commaList,
  type OfferHeader,
  type ProductText,
  parseAwsFilters,
  productText,
} from './aws-price-items.ts';
import type { AwsPricingSettings } from './config.ts';

/**
 * Where a stream stands in its offer file: the file's path under AWS_PRICING_OFFERS_URL (the host is
 * not stored: a resume uses the endpoint configured then) and the items before `skip`, acknowledged.
 */
export interface OfferFileCursor {
  path: string;
  skip: number;
  /** The file's region code from the region index. */
  region: string;
}

/**
 * The products of an offer file, spooled to an unlinked temporary file while the terms stream by:
 * an EC2 file holds hundreds of thousands of products, more than a collector may keep in memory.
 * Only an index (SKU → position, length, region) stays in memory; reads come from the page cache.
 */
class ProductSpool {
  private readonly fd: number;
  /** SKU → entry; an entry's position, length and region index in the typed arrays below. */
  private readonly entries = new Map<string, number>();
  private positions = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private regionOf = new Uint16Array(1024);
  /** The few distinct regions, each stored once. */
  private readonly regions: (string | null)[] = [];
  private end = 0;
  private buffer = Buffer.alloc(64 * 1024);

  constructor() {
    const path = join(tmpdir(), `sluice-offer-products-${randomUUID()}`);
    this.fd = openSync(path, 'w+', 0o600);
    // gone from the directory at once: the space is freed when the descriptor closes, even after a crash
    unlinkSync(path);
  }

  add(sku: string, product: ProductText): void {
    const bytes = Buffer.from(product.text, 'utf8');
    writeSync(this.fd, bytes, 0, bytes.length, this.end);
    const entry = this.entries.size;
    if (entry === this.positions.length) this.grow();
    let region = this.regions.indexOf(product.region);
    if (region < 0) region = this.regions.push(product.region) - 1;
    this.positions[entry] = this.end;
    this.lengths[entry] = bytes.length;
    this.regionOf[entry] = region;
    this.entries.set(sku, entry);
    this.end += bytes.length;
  }

  private grow(): void {
    const size = this.positions.length * 2;
    const positions = new Float64Array(size);
    positions.set(this.positions);
    const lengths = new Uint32Array(size);
    lengths.set(this.lengths);
    const regionOf = new Uint16Array(size);
    regionOf.set(this.regionOf);
    [this.positions, this.lengths, this.regionOf] = [positions, lengths, regionOf];
  }

  get(sku: string): ProductText | undefined {
    const entry = this.entries.get(sku);
    if (entry === undefined) return undefined;
    const length = this.lengths[entry] as number;
    if (this.buffer.length < length) this.buffer = Buffer.alloc(length * 2);
    readSync(this.fd, this.buffer, 0, length, this.positions[entry] as number);
    return {
      text: this.buffer.toString('utf8', 0, length),
      region: this.regions[this.regionOf[entry] as number] ?? null,
    };
  }

  close(): void {
    closeSync(this.fd);
  }
}

const headerFields = new Set<string>(['offerCode', 'version', 'publicationDate']);

/** Member paths an offer file is read by: its header strings, each product, each SKU's terms of a type. */
function offerFileMember(path: readonly string[]): boolean {
  return (
    (path.length === 1 && headerFields.has(path[0] as string)) ||
    (path.length === 2 && path[0] === 'products') ||
    (path.length === 3 && path[0] === 'terms')
  );
}

/**
 * Reads one offer file as it streams in (AWS documents products first, then terms by type and SKU)
 * and turns it into raw events, one per price dimension, skipping the first `skip` (acknowledged
 * before a resume). Products are spooled (see ProductSpool); each SKU's terms are parsed, expanded
 * and released, so memory stays flat whatever the file's size.
 */
export class OfferFileReader {
  private readonly header: OfferHeader = { offerCode: '', version: '', publicationDate: '' };
  private readonly products = new ProductSpool();
  private readonly members: JsonMembers;
  private index = 0;
  private ready: RawPriceOffer[] = [];

  constructor(
    private readonly skip: number,
    private readonly context: { runId: string; sourceUrl: string; fetchedAt: number; region: string | null },
  ) {
    this.members = new JsonMembers(offerFileMember, (path, value) => this.member(path, value));
  }

  private member(path: readonly string[], value: Buffer): void {
    if (path.length === 1) {
      this.header[path[0] as keyof OfferHeader] = JSON.parse(value.toString('utf8')) as string;
    } else if (path[0] === 'products') {
      this.products.add(path[1] as string, productText(JSON.parse(value.toString('utf8')) as AwsProduct));
    } else this.terms(path[1] as string, path[2] as string, value);
  }

  private terms(termType: string, sku: string, value: Buffer): void {
    const offers = awsPriceOffers(
      this.products.get(sku),
      termType,
      JSON.parse(value.toString('utf8')) as Record<string, AwsTerm>,
      this.header,
      {
        runId: this.context.runId,
        sourceUrl: this.context.sourceUrl,
        fetchedAt: this.context.fetchedAt,
        fallbackRegion: this.context.region,
        attributes: { offerFile: this.context.sourceUrl, offerVersion: this.header.version },
      },
    );
    for (const offer of offers) {
      if (this.index >= this.skip) {
        this.ready.push({ ...offer, attributes: { ...offer.attributes, itemOffset: String(this.index) } });
      }
      this.index += 1;
    }
  }

  private take(): RawPriceOffer[] {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  /** The raw events completed by this chunk of the file. */
  write(chunk: Buffer): RawPriceOffer[] {
    this.members.write(chunk);
    return this.take();
  }

  /** The file ended: it must have been whole. */
  end(): RawPriceOffer[] {
    this.members.end();
    return this.take();
  }

  close(): void {
    this.products.close();
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
  readonly endpoint: { url: string; setting: string };
  private readonly filters: AwsFilters;

  constructor(
    private readonly settings: AwsPricingSettings,
    filters: RunFilters,
    private readonly logger: Logger,
    metrics: ComponentMetrics,
  ) {
    this.filters = parseAwsFilters(filters);
    this.endpoint = { url: settings.offersUrl, setting: 'AWS_PRICING_OFFERS_URL' };
    this.client = new PoliteClient(new URL(settings.offersUrl).host, settings, logger, metrics);
    this.concurrency = settings.concurrency;
  }

  private resolve(path: string): string {
    return new URL(path, `${this.settings.offersUrl}/`).toString();
  }

  async plan({ signal }: SourceContext): Promise<StreamState<OfferFileCursor>[]> {
    const indexUrl = this.resolve('/offers/v1.0/aws/index.json');
    const index = (await this.client.getJson(indexUrl, signal)).body as Partial<AwsOfferIndex> | null;
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
      const regionIndex = (await this.client.getJson(regionIndexUrl, signal))
        .body as Partial<AwsRegionIndex> | null;
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
          cursor: {
            path: new URL(this.resolve(region.currentVersionUrl)).pathname,
            skip: 0,
            region: regionCode,
          },
          page: 0,
        });
      }
    }
    return streams;
  }

  /**
   * Streams one offer file from the cursor's item offset, from the host configured now. A dropped
   * connection re-opens the file and skips to the last item handed on; a file that is not valid
   * JSON fails its stream.
   */
  async *pages(
    stream: StreamState<OfferFileCursor>,
    { runId, signal }: SourceContext,
  ): AsyncIterable<FetchedPage<OfferFileCursor>> {
    const cursor = offerFileCursor(stream.cursor);
    if (!cursor) return;
    const url = this.resolve(cursor.path);
    let handedOn = cursor.skip;
    for (let reopened = 0; ; reopened++) {
      const chunk: RawPriceOffer[] = [];
      const reader = new OfferFileReader(handedOn, {
        runId,
        sourceUrl: url,
        fetchedAt: Date.now(),
        region: cursor.region,
      });
      try {
        const body = await this.client.getStream(url, signal);
        for await (const data of body as AsyncIterable<Buffer>) {
          chunk.push(...reader.write(data));
          while (chunk.length >= this.settings.chunkItems) {
            const offers = chunk.splice(0, this.settings.chunkItems);
            handedOn += offers.length;
            yield { sourceUrl: url, offers, next: { ...cursor, skip: handedOn } };
          }
        }
        chunk.push(...reader.end());
        handedOn += chunk.length;
        yield { sourceUrl: url, offers: chunk, next: null };
        return;
      } catch (err) {
        if (signal.aborted) throw err;
        const error = fileError(err, url, handedOn);
        if (error.retriable && reopened < this.settings.retries) {
          this.logger.warn(
            { url, offset: handedOn, err: error.message },
            'offer file interrupted; re-opening',
          );
          continue;
        }
        throw error;
      } finally {
        reader.close();
      }
    }
  }

  close(): void {
    this.client.close();
  }
}

/**
 * The cursor of a stream; a checkpoint written before cursors held a path (a whole URL) is read as
 * the path of that URL, so such a run resumes too, from the endpoint configured now.
 */
function offerFileCursor(stored: unknown): OfferFileCursor | null {
  if (!stored) return null;
  const cursor = stored as Partial<OfferFileCursor> & { url?: string };
  const path = cursor.path ?? (cursor.url ? new URL(cursor.url).pathname : undefined);
  if (!path)
    throw new SluiceError(
      'ING_VALIDATION_FAILED',
      `offer file checkpoint ${JSON.stringify(stored)} has no path`,
    );
  const region = cursor.region ?? /\/([^/]+)\/index\.json$/.exec(path)?.[1] ?? '';
  return { path, skip: cursor.skip ?? 0, region };
}

/** A broken body means the file itself is broken: its stream fails with a clear reason. */
function fileError(err: unknown, url: string, offset: number): SluiceError {
  const message = describeError(err);
  if (err instanceof SluiceError && err.code === 'ING_PRICING_PAGE_INVALID') {
    return new SluiceError(err.code, `offer file ${url} is not valid JSON after item ${offset}: ${message}`, {
      cause: err,
      details: { url },
    });
  }
  if (err instanceof SyntaxError) {
    return new SluiceError(
      'ING_PRICING_PAGE_INVALID',
      `offer file ${url} is not valid JSON after item ${offset}: ${message}`,
      { cause: err, details: { url } },
    );
  }
  if (err instanceof SluiceError) {
    return new SluiceError(err.code, `offer file ${url} failed after item ${offset}: ${message}`, {
      cause: err,
      disposition: err.disposition,
      details: { url },
    });
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
