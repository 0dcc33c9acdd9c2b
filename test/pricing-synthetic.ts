import { createHash } from 'node:crypto';
import { awsGetProductsPages, awsOfferFiles, azureRetailPages } from '../schemas/fixtures/pricing/index.ts';
import type { AwsPriceListItem, AwsProduct, AwsTerm } from '../schemas/pricing/aws-price-list.ts';
import type { AzureRetailItem } from '../schemas/pricing/azure-retail-prices.ts';
import { regionTable } from '../schemas/pricing/regions.ts';

/**
 * Large price lists for load tests and benchmarks, made from the documented-shape fixtures: every
 * synthetic item is a fixture item (same fields, same order) with its identity and price varied, so
 * volume never comes with a shape of its own.
 */

function digest(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function uuid(text: string): string {
  const h = digest(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An AWS-style code (SKU, offer term, rate): upper-case letters and digits. */
function code(text: string, length: number): string {
  return BigInt(`0x${digest(text)}`)
    .toString(36)
    .toUpperCase()
    .padStart(length, '0')
    .slice(-length);
}

/** The USD fixture items without savingsPlan[]: one raw event each, so counts stay items. */
const azureTemplates = (azureRetailPages.USD.flatMap((page) => page.body.Items) as AzureRetailItem[]).filter(
  (item) => !item.savingsPlan,
);

/** Item `index` of a synthetic Azure catalogue: a fixture item with its own meter and price. */
export function syntheticAzureItem(
  index: number,
  serviceName: string,
  currencyCode: string,
): AzureRetailItem {
  const template = azureTemplates[index % azureTemplates.length] as AzureRetailItem;
  const price = Number((template.retailPrice * (1 + (index % 97) / 100)).toFixed(6));
  return {
    ...template,
    currencyCode,
    retailPrice: price,
    unitPrice: price,
    meterId: uuid(`meter-${serviceName}-${index}`),
    skuId: `${template.productId}/${code(`sku-${index}`, 4)}`,
    serviceName,
  };
}

/** Jackson's pretty printing (`"key" : value`), as AWS writes its offer files. */
export function jackson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[ ]' : `[ ${value.map((v) => jackson(v, inner)).join(', ')} ]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{ }';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${jackson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The fixture's m5.large (OnDemand + three Reserved terms: 6 price dimensions) and S3 storage (3 tiers). */
const awsTemplates: Record<string, { product: AwsProduct; terms: Record<string, Record<string, AwsTerm>> }> =
  Object.fromEntries(
    [
      ['AmazonEC2', 'AmazonEC2/us-east-1', 'G7Z7NVFGR3PVR5BN'],
      ['AmazonS3', 'AmazonS3/us-east-1', 'WP9ANXZGBYYSGJEA'],
    ].map(([service, file, sku]) => {
      const offer = awsOfferFiles[file as string]?.body;
      if (!offer) throw new Error(`no fixture offer file ${file}`);
      const terms = Object.fromEntries(
        Object.entries(offer.terms)
          .filter(([, bySku]) => bySku[sku as string])
          .map(([type, bySku]) => [type, bySku[sku as string] as Record<string, AwsTerm>]),
      );
      return [service, { product: offer.products[sku as string] as AwsProduct, terms }];
    }),
  );

/** Price dimensions per synthetic product of a service (for counting events). */
export function dimensionsPerProduct(service: string): number {
  const template = awsTemplates[service] ?? awsTemplates.AmazonEC2;
  return Object.values(template?.terms ?? {})
    .flatMap((terms) => Object.values(terms))
    .reduce((sum, term) => sum + Object.keys(term.priceDimensions).length, 0);
}

const instanceTypes = ['m5.large', 'm5.xlarge', 'c6i.large', 'r6g.xlarge', 't3.medium', 'm7g.2xlarge'];

/** Product `index` of a synthetic offer file: the service's fixture product, its terms re-keyed to a new SKU. */
export function syntheticAwsProduct(service: string, region: string, index: number) {
  const template =
    awsTemplates[service] ?? (awsTemplates.AmazonEC2 as NonNullable<(typeof awsTemplates)['x']>);
  const sku = code(`${service}-${region}-${index}`, 16);
  const location = regionTable.flatMap((row) => row.aws).find((entry) => entry.code === region)?.name;
  const attributes: Record<string, string> = {
    ...template.product.attributes,
    location: location ?? region,
    regionCode: region,
  };
  if (attributes.instanceType)
    attributes.instanceType = instanceTypes[index % instanceTypes.length] as string;
  const product: AwsProduct = { ...template.product, sku, attributes };
  const factor = 1 + (index % 89) / 100;
  const terms = Object.fromEntries(
    Object.entries(template.terms).map(([type, byKey]) => [
      type,
      Object.fromEntries(
        Object.values(byKey).map((term) => {
          const termKey = `${sku}.${term.offerTermCode}`;
          const dimensions = Object.values(term.priceDimensions).map((dimension) => {
            const rateCode = `${termKey}.${dimension.rateCode.split('.').pop()}`;
            const price = (Number(dimension.pricePerUnit.USD) * factor).toFixed(10);
            return [rateCode, { ...dimension, rateCode, pricePerUnit: { USD: price } }];
          });
          return [termKey, { ...term, sku, priceDimensions: Object.fromEntries(dimensions) }];
        }),
      ),
    ]),
  ) as Record<string, Record<string, AwsTerm>>;
  return { sku, product, terms };
}

/**
 * A synthetic offer file, piece by piece, laid out as AWS lays them out (header, every product, then
 * terms by type and SKU) and pretty-printed as AWS prints them.
 */
export function* syntheticOfferFile(
  service: string,
  region: string,
  products: number,
  header = awsOfferFiles['AmazonEC2/us-east-1']?.body,
): Iterable<string> {
  yield `{\n  "formatVersion" : "v1.0",\n  "disclaimer" : ${JSON.stringify(header?.disclaimer ?? '')},\n  "offerCode" : "${service}",\n  "version" : "${header?.version}",\n  "publicationDate" : "${header?.publicationDate}",\n  "products" : {\n`;
  for (let i = 0; i < products; i++) {
    const { sku, product } = syntheticAwsProduct(service, region, i);
    yield `    "${sku}" : ${jackson(product, '    ')}${i < products - 1 ? ',' : ''}\n`;
  }
  yield '  },\n  "terms" : {\n';
  const types = Object.keys(syntheticAwsProduct(service, region, 0).terms);
  for (const [t, type] of types.entries()) {
    yield `    "${type}" : {\n`;
    for (let i = 0; i < products; i++) {
      const { sku, terms } = syntheticAwsProduct(service, region, i);
      yield `      "${sku}" : ${jackson(terms[type], '      ')}${i < products - 1 ? ',' : ''}\n`;
    }
    yield `    }${t < types.length - 1 ? ',' : ''}\n`;
  }
  yield '  }\n}\n';
}

/** A GetProducts PriceList element (a JSON string) for a synthetic product. */
export function syntheticPriceListElement(service: string, region: string, index: number): string {
  const element = JSON.parse(awsGetProductsPages[0]?.body.PriceList[0] ?? '{}') as AwsPriceListItem;
  const { product, terms } = syntheticAwsProduct(service, region, index);
  return JSON.stringify({ ...element, product, serviceCode: service, terms });
}
