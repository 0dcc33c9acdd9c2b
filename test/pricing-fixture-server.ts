import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';

/**
 * A local stand-in for the public price endpoints (the machines here have no internet), serving
 * pages in their documented formats: Azure Retail Prices (`Items`, `NextPageLink` with `$skip`),
 * the AWS bulk offer index, region indexes and offer files (`products`, `terms`, `priceDimensions`),
 * and the Price List Query API (`GetProducts`, awsJson1.1, `PriceList` of JSON strings, `NextToken`).
 * Faults are injected per route and page: 429 with Retry-After, 5xx, slow answers, truncated or
 * non-JSON bodies and dropped connections.
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

export interface FixtureOptions {
  azurePages: number;
  azureItemsPerPage: number;
  /** Products per AWS offer file; each has an OnDemand and a Reserved term (3 price dimensions). */
  awsProductsPerFile: number;
  awsServices: Record<string, string[]>;
  awsQueryPages: number;
  awsQueryProductsPerPage: number;
  /** Compress JSON answers with gzip when the client accepts it, as the real endpoints do. */
  gzip: boolean;
}

const defaults: FixtureOptions = {
  azurePages: 3,
  azureItemsPerPage: 100,
  awsProductsPerFile: 50,
  awsServices: { AmazonEC2: ['us-east-1', 'eu-west-1'], AmazonS3: ['us-east-1'] },
  awsQueryPages: 3,
  awsQueryProductsPerPage: 20,
  gzip: false,
};

const azureRegions = [
  ['eastus', 'US East'],
  ['westeurope', 'EU West'],
  ['southeastasia', 'AP Southeast'],
  ['brazilsouth', 'BR South'],
] as const;
const azureTypes = ['Consumption', 'Reservation', 'DevTestConsumption'] as const;
const awsLocations: Record<string, string> = {
  'us-east-1': 'US East (N. Virginia)',
  'eu-west-1': 'EU (Ireland)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
};

function hex(text: string, length: number): string {
  return createHash('md5').update(text).digest('hex').slice(0, length);
}

function uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function code(text: string, length: number): string {
  return hex(text, length * 2)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'X')
    .slice(0, length);
}

/** One Azure Retail Prices item, with every documented field. */
export function azureItem(index: number, serviceName: string, currencyCode: string): Record<string, unknown> {
  const [armRegionName, location] = azureRegions[index % azureRegions.length] as readonly [string, string];
  const type = azureTypes[index % azureTypes.length] as string;
  const size = 2 ** (index % 6);
  const price = Number((0.012 * size * (1 + (index % 7) / 10)).toFixed(6));
  const productId = `DZH3${code(`p${index >> 4}`, 8)}`;
  return {
    currencyCode,
    tierMinimumUnits: 0,
    ...(type === 'Reservation' ? { reservationTerm: index % 2 === 0 ? '1 Year' : '3 Years' } : {}),
    retailPrice: type === 'Reservation' ? Number((price * 8760 * 0.6).toFixed(2)) : price,
    unitPrice: type === 'Reservation' ? Number((price * 8760 * 0.6).toFixed(2)) : price,
    armRegionName,
    location,
    effectiveStartDate: `2024-0${(index % 9) + 1}-01T00:00:00Z`,
    meterId: uuid(`meter-${serviceName}-${index}`),
    meterName: `D${size}s v5`,
    productId,
    skuId: `${productId}/${code(`s${index}`, 4)}`,
    productName: `${serviceName} Dsv5 Series`,
    skuName: `D${size}s v5`,
    serviceName,
    serviceId: `DZH3${code(serviceName, 8)}`,
    serviceFamily: 'Compute',
    unitOfMeasure: type === 'Reservation' ? '1 Hour' : '1 Hour',
    type,
    isPrimaryMeterRegion: index % 5 !== 0,
    armSkuName: `Standard_D${size}s_v5`,
  };
}

/** One AWS product with its terms in the offer-file shape: OnDemand (tiered for S3) and a Reserved term. */
export function awsProduct(service: string, region: string, index: number) {
  const sku = code(`${service}-${region}-${index}`, 16);
  const location = awsLocations[region] ?? region;
  const product = {
    sku,
    productFamily: service === 'AmazonS3' ? 'Storage' : 'Compute Instance',
    attributes: {
      servicecode: service,
      location,
      locationType: 'AWS Region',
      regionCode: region,
      usagetype: service === 'AmazonS3' ? 'TimedStorage-ByteHrs' : `BoxUsage:m5.${index % 2 ? 'x' : ''}large`,
      ...(service === 'AmazonS3'
        ? { storageClass: 'General Purpose', volumeType: 'Standard' }
        : {
            instanceType: `m5.${index % 4}xlarge`,
            operatingSystem: 'Linux',
            tenancy: 'Shared',
            vcpu: String(2 ** (index % 5)),
          }),
    },
  };
  const effectiveDate = `2024-0${(index % 9) + 1}-01T00:00:00Z`;
  const onDemandCode = 'JRTCKXETXF';
  const onDemandKey = `${sku}.${onDemandCode}`;
  const base = 0.0235 * (1 + (index % 13));
  const tiers =
    service === 'AmazonS3'
      ? [
          ['0', '51200', base],
          ['51200', '512000', base * 0.95],
          ['512000', 'Inf', base * 0.9],
        ]
      : [['0', 'Inf', base]];
  const onDemand = {
    [onDemandKey]: {
      offerTermCode: onDemandCode,
      sku,
      effectiveDate,
      priceDimensions: Object.fromEntries(
        tiers.map(([beginRange, endRange, price], tier) => {
          const rateCode = `${onDemandKey}.${code(`rate-${tier}`, 10)}`;
          return [
            rateCode,
            {
              rateCode,
              description: `$${Number(price).toFixed(4)} per ${service === 'AmazonS3' ? 'GB-Mo' : 'On Demand Linux Instance Hour'}`,
              beginRange,
              endRange,
              unit: service === 'AmazonS3' ? 'GB-Mo' : 'Hrs',
              pricePerUnit: { USD: Number(price).toFixed(10) },
              appliesTo: [],
            },
          ];
        }),
      ),
      termAttributes: {},
    },
  };
  const reservedCode = '4NA7Y494T4';
  const reservedKey = `${sku}.${reservedCode}`;
  const reserved = {
    [reservedKey]: {
      offerTermCode: reservedCode,
      sku,
      effectiveDate,
      priceDimensions: {
        [`${reservedKey}.2TG2D8R56U`]: {
          rateCode: `${reservedKey}.2TG2D8R56U`,
          description: 'Upfront Fee',
          unit: 'Quantity',
          pricePerUnit: { USD: (base * 8760 * 0.6).toFixed(0) },
          appliesTo: [],
        },
      },
      termAttributes: {
        LeaseContractLength: '1yr',
        OfferingClass: 'standard',
        PurchaseOption: 'All Upfront',
      },
    },
  };
  return { sku, product, onDemand, reserved };
}

const version = '20240101000000';
const publicationDate = '2024-01-01T00:00:00Z';

export class PricingFixtureServer {
  readonly requests: FixtureRequest[] = [];
  private readonly faults: { route: Route; page?: number; fault: Fault; remaining: number }[] = [];
  private readonly options: FixtureOptions;
  /** Generated bodies by request, so a benchmark measures the collector rather than this server. */
  private readonly bodies = new Map<string, string>();
  url = '';

  private constructor(
    private readonly server: Server,
    options: Partial<FixtureOptions>,
  ) {
    this.options = { ...defaults, ...options };
  }

  static async start(options: Partial<FixtureOptions> = {}, port = 0): Promise<PricingFixtureServer> {
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
    body: string | (() => Iterable<string>),
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
  ): Promise<
    { route: Route; page: number; contentType: string; body: string | (() => Iterable<string>) } | undefined
  > {
    const json = 'application/json';
    if (req.method === 'POST' && req.headers['x-amz-target'] === 'AWSPriceListService.GetProducts') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        ServiceCode: string;
        NextToken?: string;
        Filters?: { Field: string; Value: string }[];
      };
      const page = input.NextToken ? Number(input.NextToken.replace('page-', '')) : 0;
      return {
        route: 'aws-query',
        page,
        contentType: 'application/x-amz-json-1.1',
        body: this.queryPage(input, page),
      };
    }
    if (url.pathname === '/api/retail/prices') {
      const page = Math.floor(Number(url.searchParams.get('$skip') ?? '0') / this.options.azureItemsPerPage);
      return { route: 'azure', page, contentType: json, body: this.azurePage(url, page) };
    }
    if (url.pathname === '/offers/v1.0/aws/index.json') {
      return { route: 'aws-index', page: 0, contentType: json, body: this.offerIndex() };
    }
    const regionIndex = /^\/offers\/v1\.0\/aws\/([^/]+)\/current\/region_index\.json$/.exec(url.pathname);
    if (regionIndex?.[1] && this.options.awsServices[regionIndex[1]]) {
      return {
        route: 'aws-region-index',
        page: 0,
        contentType: json,
        body: this.regionIndex(regionIndex[1]),
      };
    }
    const offerFile = /^\/offers\/v1\.0\/aws\/([^/]+)\/\d+\/([^/]+)\/index\.json$/.exec(url.pathname);
    if (offerFile?.[1] && offerFile[2] && this.options.awsServices[offerFile[1]]?.includes(offerFile[2])) {
      const [, service, region] = offerFile;
      return {
        route: 'aws-offer-file',
        page: 0,
        contentType: json,
        body: () => this.offerFile(service, region),
      };
    }
    return undefined;
  }

  private cached(key: string, generate: () => string): string {
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = generate();
      this.bodies.set(key, body);
    }
    return body;
  }

  /** Generates pages and offer files ahead (benchmarks), so requests are served from memory. */
  warm(azureServices: string[]): void {
    for (const serviceName of azureServices) {
      for (let page = 0; page < this.options.azurePages; page++)
        this.azureItemsText(serviceName, 'USD', page);
    }
    for (const [service, regions] of Object.entries(this.options.awsServices)) {
      for (const region of regions) this.offerFileText(service, region);
    }
  }

  private azureItemsText(serviceName: string, currencyCode: string, page: number): string {
    const perPage = this.options.azureItemsPerPage;
    return this.cached(`azure|${serviceName}|${currencyCode}|${page}`, () =>
      JSON.stringify(
        Array.from({ length: perPage }, (_, k) => azureItem(page * perPage + k, serviceName, currencyCode)),
      ),
    );
  }

  private offerFileText(service: string, region: string): string {
    return this.cached(`aws|${service}|${region}`, () => [...this.offerFile(service, region)].join(''));
  }

  private azurePage(url: URL, page: number): string {
    const filter = url.searchParams.get('$filter') ?? '';
    const serviceName =
      /serviceName eq '((?:[^']|'')*)'/.exec(filter)?.[1]?.replaceAll("''", "'") ?? 'Virtual Machines';
    const currencyCode = /^'([A-Z]{3})'$/.exec(url.searchParams.get('currencyCode') ?? '')?.[1] ?? 'USD';
    const last = page >= this.options.azurePages - 1;
    const next = new URL(url.toString());
    next.searchParams.set('$skip', String((page + 1) * this.options.azureItemsPerPage));
    const nextPageLink = last ? null : next.toString().replaceAll('%24', '$');
    return `{"BillingCurrency":"${currencyCode}","CustomerEntityId":"Default","CustomerEntityType":"Retail","Items":${this.azureItemsText(serviceName, currencyCode, page)},"NextPageLink":${JSON.stringify(nextPageLink)},"Count":${this.options.azureItemsPerPage}}`;
  }

  private offerIndex(): string {
    const offers = Object.fromEntries(
      Object.keys(this.options.awsServices).map((service) => [
        service,
        {
          offerCode: service,
          versionIndexUrl: `/offers/v1.0/aws/${service}/index.json`,
          currentVersionUrl: `/offers/v1.0/aws/${service}/current/index.json`,
          currentRegionIndexUrl: `/offers/v1.0/aws/${service}/current/region_index.json`,
        },
      ]),
    );
    return JSON.stringify({ formatVersion: 'v1.0', disclaimer: 'fixture', publicationDate, offers });
  }

  private regionIndex(service: string): string {
    const regions = Object.fromEntries(
      (this.options.awsServices[service] ?? []).map((region) => [
        region,
        {
          regionCode: region,
          currentVersionUrl: `/offers/v1.0/aws/${service}/${version}/${region}/index.json`,
        },
      ]),
    );
    return JSON.stringify({ formatVersion: 'v1.0', disclaimer: 'fixture', publicationDate, regions });
  }

  /** The offer file as the real ones are laid out: header, all products, then terms by type and sku. */
  private *offerFile(service: string, region: string): Iterable<string> {
    const count = this.options.awsProductsPerFile;
    yield `{\n  "formatVersion" : "v1.0",\n  "disclaimer" : "fixture",\n  "offerCode" : "${service}",\n  "version" : "${version}",\n  "publicationDate" : "${publicationDate}",\n  "products" : {\n`;
    for (let i = 0; i < count; i++) {
      const { sku, product } = awsProduct(service, region, i);
      yield `    "${sku}" : ${JSON.stringify(product)}${i < count - 1 ? ',' : ''}\n`;
    }
    yield '  },\n  "terms" : {\n    "OnDemand" : {\n';
    for (let i = 0; i < count; i++) {
      const { sku, onDemand } = awsProduct(service, region, i);
      yield `      "${sku}" : ${JSON.stringify(onDemand)}${i < count - 1 ? ',' : ''}\n`;
    }
    yield '    },\n    "Reserved" : {\n';
    for (let i = 0; i < count; i++) {
      const { sku, reserved } = awsProduct(service, region, i);
      yield `      "${sku}" : ${JSON.stringify(reserved)}${i < count - 1 ? ',' : ''}\n`;
    }
    yield '    }\n  }\n}\n';
  }

  private queryPage(
    input: { ServiceCode: string; Filters?: { Field: string; Value: string }[] },
    page: number,
  ): string {
    const region = input.Filters?.find((f) => f.Field === 'regionCode')?.Value ?? 'us-east-1';
    const perPage = this.options.awsQueryProductsPerPage;
    const priceList = Array.from({ length: perPage }, (_, k) => {
      const { product, onDemand, reserved } = awsProduct(input.ServiceCode, region, page * perPage + k);
      return JSON.stringify({
        product,
        serviceCode: input.ServiceCode,
        terms: { OnDemand: onDemand, Reserved: reserved },
        version,
        publicationDate,
      });
    });
    const last = page >= this.options.awsQueryPages - 1;
    return JSON.stringify({
      FormatVersion: 'aws_v1',
      PriceList: priceList,
      ...(last ? {} : { NextToken: `page-${page + 1}` }),
    });
  }
}

/**
 * `node --import tsx test/pricing-fixture-server.ts '{"azurePages":500,"warmAzureServices":["A"]}'`:
 * serves on an ephemeral port until killed and prints its URL once warm (benchmarks run it in its own process).
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const fixture = await PricingFixtureServer.start(
    JSON.parse(process.argv[2] ?? '{}') as Partial<FixtureOptions>,
  );
  process.stdout.write(`${fixture.url}\n`);
}
