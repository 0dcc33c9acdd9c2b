import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import {
  awsGetProductsPages,
  awsOfferFiles,
  awsOfferIndex,
  awsRegionIndexes,
  azureRetailPages,
  type FixtureCurrency,
} from '../schemas/fixtures/pricing/index.ts';
import type { AwsOfferIndex, AwsRegionIndex } from '../schemas/pricing/aws-price-list.ts';
import {
  jackson,
  syntheticAzureItem,
  syntheticOfferFile,
  syntheticPriceListElement,
} from './pricing-synthetic.ts';

/**
 * A local stand-in for the public price endpoints (the machines here have no internet). By default
 * it serves the documented-shape fixtures of schemas/fixtures/pricing byte for byte: Azure Retail
 * Prices pages (USD or EUR by `currencyCode`, chained by NextPageLink's `$skip`), the AWS offer index,
 * region indexes and offer files, and GetProducts answers chained by NextToken (awsJson1.1, for the
 * SDK pointed at it). With `synthetic` it serves catalogues of any size made from those fixtures
 * (pricing-synthetic.ts); `offerFilesOnDisk` serves big generated offer files from disk. Faults are
 * injected per route and page: 429 with Retry-After, 5xx, slow answers, truncated or non-JSON bodies
 * and dropped connections.
 */

export type Route = 'azure' | 'aws-index' | 'aws-region-index' | 'aws-offer-file' | 'aws-query';

export type Fault =
  | { kind: 'throttle'; retryAfterSeconds: number }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'truncated' }
  | { kind: 'not-json' }
  | { kind: 'drop' };

export interface FixtureRequest {
  route: Route | 'unknown';
  page: number;
  at: number;
  answer: string;
}

export interface SyntheticCatalogue {
  azurePages: number;
  azureItemsPerPage: number;
  /** Products per AWS offer file (each with the fixture m5.large's 6 or S3's 3 price dimensions). */
  awsProductsPerFile: number;
  awsServices: Record<string, string[]>;
  awsQueryPages: number;
  awsQueryProductsPerPage: number;
}

export interface FixtureOptions {
  /** Serve a synthetic catalogue of this size instead of the fixtures. */
  synthetic?: Partial<SyntheticCatalogue>;
  /** Offer files served from disk by `<service>/<region>` (listed in the offer and region indexes). */
  offerFilesOnDisk?: Record<string, string>;
  /** Compress JSON answers with gzip when the client accepts it, as the real endpoints do. */
  gzip?: boolean;
}

/** An answer's body: text, text generated piece by piece, or a file on disk. */
type Body = string | (() => Iterable<string>) | { path: string };

const syntheticDefaults: SyntheticCatalogue = {
  azurePages: 3,
  azureItemsPerPage: 100,
  awsProductsPerFile: 50,
  awsServices: { AmazonEC2: ['us-east-1', 'eu-west-1'], AmazonS3: ['us-east-1'] },
  awsQueryPages: 3,
  awsQueryProductsPerPage: 20,
};

export class PricingFixtureServer {
  readonly requests: FixtureRequest[] = [];
  private readonly faults: { route: Route; page?: number; fault: Fault; remaining: number }[] = [];
  private readonly synthetic?: SyntheticCatalogue;
  /** Generated bodies by request, so a benchmark measures the collector rather than this server. */
  private readonly bodies = new Map<string, string>();
  url = '';

  private constructor(
    private readonly server: Server,
    private readonly options: FixtureOptions,
  ) {
    this.synthetic = options.synthetic && { ...syntheticDefaults, ...options.synthetic };
  }

  static async start(options: FixtureOptions = {}, port = 0): Promise<PricingFixtureServer> {
    const server = createServer();
    const fixture = new PricingFixtureServer(server, options);
    server.on('request', (req, res) => void fixture.handle(req, res));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fixture;
  }

  get azureUrl(): string {
    return `${this.url}/api/retail/prices`;
  }

  /** The next `times` requests of the route (and page, when given) get the fault. */
  inject(route: Route, fault: Fault, options: { page?: number; times?: number } = {}): void {
    this.faults.push({ route, page: options.page, fault, remaining: options.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  requestsOf(route: Route): FixtureRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFault(route: Route, page: number): Fault | undefined {
    const rule = this.faults.find(
      (f) => f.route === route && (f.page === undefined || f.page === page) && f.remaining > 0,
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const at = Date.now();
    try {
      const answer = await this.route(req, url);
      if (!answer) {
        this.requests.push({ route: 'unknown', page: 0, at, answer: '404' });
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const fault = this.takeFault(answer.route, answer.page);
      const gzip = this.options.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      this.requests.push({
        route: answer.route,
        page: answer.page,
        at,
        answer: fault?.kind ?? (gzip ? 'ok-gzip' : 'ok'),
      });
      await this.respond(res, answer.contentType, answer.body, fault, gzip);
    } catch (err) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: String(err) }));
    }
  }

  private async respond(
    res: ServerResponse,
    contentType: string,
    body: Body,
    fault: Fault | undefined,
    gzip = false,
  ): Promise<void> {
    switch (fault?.kind) {
      case 'throttle':
        res
          .writeHead(429, {
            'content-type': 'application/json',
            'retry-after': String(fault.retryAfterSeconds),
          })
          .end('{"Error":{"Code":"TooManyRequests","Message":"Rate limit exceeded"}}');
        return;
      case 'status':
        res
          .writeHead(fault.status, { 'content-type': 'application/json' })
          .end('{"Error":{"Code":"InternalServerError"}}');
        return;
      case 'not-json':
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<html><body><h1>Service Unavailable</h1></body></html>');
        return;
      case 'slow':
        await sleep(fault.delayMs);
        break;
      default:
        break;
    }
    if (typeof body === 'object') {
      res.writeHead(200, { 'content-type': contentType });
      const file = createReadStream(body.path, { highWaterMark: 256 * 1024 });
      file.pipe(res);
      await once(file, 'close');
      return;
    }
    const text = typeof body === 'string' ? body : undefined;
    if (fault?.kind === 'truncated' || fault?.kind === 'drop') {
      const full = text ?? [...(body as () => Iterable<string>)()].join('');
      const cut = full.slice(0, Math.floor(full.length / 2));
      if (fault.kind === 'truncated') {
        res
          .writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(cut) })
          .end(cut);
      } else {
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(full) });
        res.write(cut, () => res.socket?.destroy());
      }
      return;
    }
    if (text !== undefined && gzip) {
      const zipped = gzipSync(text);
      res
        .writeHead(200, {
          'content-type': contentType,
          'content-encoding': 'gzip',
          'content-length': zipped.length,
        })
        .end(zipped);
      return;
    }
    if (text !== undefined) {
      res
        .writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) })
        .end(text);
      return;
    }
    // large files go out in chunks, as the real offer files do, honouring backpressure
    res.writeHead(200, { 'content-type': contentType });
    for (const chunk of (body as () => Iterable<string>)()) {
      if (!res.write(chunk)) await once(res, 'drain');
      if (res.destroyed) return;
    }
    res.end();
  }

  private async route(
    req: IncomingMessage,
    url: URL,
  ): Promise<{ route: Route; page: number; contentType: string; body: Body } | undefined> {
    const json = 'application/json';
    if (req.method === 'POST' && req.headers['x-amz-target'] === 'AWSPriceListService.GetProducts') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        ServiceCode: string;
        NextToken?: string;
        Filters?: { Field: string; Value: string }[];
      };
      const page = this.queryPageNumber(input.NextToken);
      return {
        route: 'aws-query',
        page,
        contentType: 'application/x-amz-json-1.1',
        body: this.queryPage(input, page),
      };
    }
    if (url.pathname === '/api/retail/prices') {
      const currency = (/^'([A-Z]{3})'$/.exec(url.searchParams.get('currencyCode') ?? '')?.[1] ??
        'USD') as FixtureCurrency;
      const skip = Number(url.searchParams.get('$skip') ?? '0');
      const page = this.synthetic ? Math.floor(skip / this.synthetic.azureItemsPerPage) : skip === 0 ? 0 : 1;
      return { route: 'azure', page, contentType: json, body: this.azurePage(url, currency, page) };
    }
    if (url.pathname === '/offers/v1.0/aws/index.json') {
      return { route: 'aws-index', page: 0, contentType: json, body: this.offerIndex() };
    }
    const regionIndex = /^\/offers\/v1\.0\/aws\/([^/]+)\/current\/region_index\.json$/.exec(url.pathname);
    const regions = regionIndex?.[1] && this.servicesRegions()[regionIndex[1]];
    if (regionIndex?.[1] && regions) {
      return {
        route: 'aws-region-index',
        page: 0,
        contentType: json,
        body: this.regionIndex(regionIndex[1]),
      };
    }
    const offerFile = /^\/offers\/v1\.0\/aws\/([^/]+)\/\d+\/([^/]+)\/index\.json$/.exec(url.pathname);
    const [, service, region] = offerFile ?? [];
    if (service && region && this.servicesRegions()[service]?.includes(region)) {
      return { route: 'aws-offer-file', page: 0, contentType: json, body: this.offerFile(service, region) };
    }
    return undefined;
  }

  /** Service → regions of the AWS catalogue served. */
  private servicesRegions(): Record<string, string[]> {
    const regions: Record<string, string[]> = this.synthetic
      ? { ...this.synthetic.awsServices }
      : Object.fromEntries(
          Object.entries(awsRegionIndexes).map(([service, index]) => [
            service,
            Object.keys(index.body.regions),
          ]),
        );
    for (const key of Object.keys(this.options.offerFilesOnDisk ?? {})) {
      const [service = '', region = ''] = key.split('/');
      regions[service] = [...new Set([...(regions[service] ?? []), region])];
    }
    return regions;
  }

  private cached(key: string, generate: () => string): string {
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = generate();
      this.bodies.set(key, body);
    }
    return body;
  }

  /** Generates synthetic pages and offer files ahead (benchmarks), so requests are served from memory. */
  warm(azureServices: string[]): void {
    const synthetic = this.synthetic;
    if (!synthetic) return;
    for (const serviceName of azureServices) {
      for (let page = 0; page < synthetic.azurePages; page++) this.azureItemsText(serviceName, 'USD', page);
    }
    for (const [service, regions] of Object.entries(synthetic.awsServices)) {
      for (const region of regions)
        this.cached(`aws|${service}|${region}`, () => [...this.syntheticFile(service, region)].join(''));
    }
  }

  private azureItemsText(serviceName: string, currency: string, page: number): string {
    const perPage = this.synthetic?.azureItemsPerPage ?? 0;
    return this.cached(`azure|${serviceName}|${currency}|${page}`, () =>
      JSON.stringify(
        Array.from({ length: perPage }, (_, k) =>
          syntheticAzureItem(page * perPage + k, serviceName, currency),
        ),
      ),
    );
  }

  private azurePage(url: URL, currency: FixtureCurrency, page: number): string {
    if (!this.synthetic) {
      const fixture = azureRetailPages[currency]?.[page];
      if (!fixture) throw new Error(`no Azure fixture page ${page + 1} in ${currency}`);
      return fixture.text;
    }
    const filter = url.searchParams.get('$filter') ?? '';
    const serviceName =
      /serviceName eq '((?:[^']|'')*)'/.exec(filter)?.[1]?.replaceAll("''", "'") ?? 'Virtual Machines';
    const last = page >= this.synthetic.azurePages - 1;
    const next = new URL(url.toString());
    next.searchParams.set('$skip', String((page + 1) * this.synthetic.azureItemsPerPage));
    const nextPageLink = last ? null : next.toString().replaceAll('%24', '$');
    return `{"BillingCurrency":"${currency}","CustomerEntityId":"Default","CustomerEntityType":"Retail","Items":${this.azureItemsText(serviceName, currency, page)},"NextPageLink":${JSON.stringify(nextPageLink)},"Count":${this.synthetic.azureItemsPerPage}}`;
  }

  private offerIndex(): string {
    const services = Object.keys(this.servicesRegions());
    if (!this.synthetic && services.every((service) => awsOfferIndex.body.offers[service]))
      return awsOfferIndex.text;
    const index: AwsOfferIndex = {
      ...awsOfferIndex.body,
      offers: Object.fromEntries(
        services.map((service) => [
          service,
          {
            offerCode: service,
            versionIndexUrl: `/offers/v1.0/aws/${service}/index.json`,
            currentVersionUrl: `/offers/v1.0/aws/${service}/current/index.json`,
            currentRegionIndexUrl: `/offers/v1.0/aws/${service}/current/region_index.json`,
          },
        ]),
      ),
    };
    return jackson(index);
  }

  private regionIndex(service: string): string {
    const fixture = awsRegionIndexes[service];
    const regions = this.servicesRegions()[service] ?? [];
    if (!this.synthetic && fixture && regions.every((region) => fixture.body.regions[region]))
      return fixture.text;
    const version = awsOfferIndex.body.publicationDate.replace(/\D/g, '').slice(0, 14);
    const index: AwsRegionIndex = {
      formatVersion: 'v1.0',
      disclaimer: awsOfferIndex.body.disclaimer,
      publicationDate: awsOfferIndex.body.publicationDate,
      regions: Object.fromEntries(
        regions.map((region) => [
          region,
          {
            regionCode: region,
            currentVersionUrl: `/offers/v1.0/aws/${service}/${version}/${region}/index.json`,
          },
        ]),
      ),
    };
    return jackson(index);
  }

  private syntheticFile(service: string, region: string): Iterable<string> {
    return syntheticOfferFile(service, region, this.synthetic?.awsProductsPerFile ?? 0);
  }

  /** An offer file: from disk, synthetic (served in chunks, as big files are), or the fixture's bytes. */
  private offerFile(service: string, region: string): Body {
    const onDisk = this.options.offerFilesOnDisk?.[`${service}/${region}`];
    if (onDisk) return { path: onDisk };
    if (this.synthetic) {
      const warm = this.bodies.get(`aws|${service}|${region}`);
      return warm ?? (() => this.syntheticFile(service, region));
    }
    const fixture = awsOfferFiles[`${service}/${region}`];
    if (!fixture) throw new Error(`no fixture offer file for ${service}/${region}`);
    return fixture.text;
  }

  /** GetProducts pages are numbered from 0; a NextToken names the page it leads to. */
  private queryPageNumber(nextToken: string | undefined): number {
    if (!nextToken) return 0;
    if (this.synthetic) return Number(nextToken.replace('page-', ''));
    return awsGetProductsPages.findIndex((page) => page.body.NextToken === nextToken) + 1;
  }

  private queryPage(
    input: { ServiceCode: string; Filters?: { Field: string; Value: string }[] },
    page: number,
  ): string {
    if (!this.synthetic) {
      const fixture = awsGetProductsPages[page];
      if (!fixture || input.ServiceCode !== 'AmazonEC2')
        throw new Error(`no GetProducts fixture page ${page + 1} of ${input.ServiceCode}`);
      return fixture.text;
    }
    const region = input.Filters?.find((f) => f.Field === 'regionCode')?.Value ?? 'us-east-1';
    const perPage = this.synthetic.awsQueryProductsPerPage;
    const last = page >= this.synthetic.awsQueryPages - 1;
    return JSON.stringify({
      FormatVersion: 'aws_v1',
      PriceList: Array.from({ length: perPage }, (_, k) =>
        syntheticPriceListElement(input.ServiceCode, region, page * perPage + k),
      ),
      ...(last ? {} : { NextToken: `page-${page + 1}` }),
    });
  }
}

/**
 * `node --import tsx test/pricing-fixture-server.ts '{"synthetic":{"azurePages":500},"warmAzureServices":["A"]}'`:
 * serves on an ephemeral port until killed and prints its URL once warm (benchmarks run it in its own process).
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const { warmAzureServices = [], ...options } = JSON.parse(process.argv[2] ?? '{}') as FixtureOptions & {
    warmAzureServices?: string[];
  };
  const fixture = await PricingFixtureServer.start(options);
  fixture.warm(warmAzureServices);
  process.stdout.write(`${fixture.url}\n`);
}
