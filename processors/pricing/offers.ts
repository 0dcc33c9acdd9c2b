import type { CloudProvider, PriceType, RawPriceOffer } from '../../schemas/types.ts';
import { accept, reject, type StageResult } from '../runner/pipeline.ts';

/** What a price list item says, read the same way for Azure and AWS; units and money still as listed. */
export interface ListedPrice {
  provider: CloudProvider;
  service: string;
  serviceFamily: string | null;
  region: string | null;
  product: string | null;
  amount: string | number;
  currency: string;
  unit: string;
  priceType: PriceType;
  term: string | null;
  /** Tier start in listed units. */
  tierStart: string | number;
  effectiveFrom: number;
}

const stage = 'parse';

type Json = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function amount(value: unknown): string | number | null {
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}

function time(value: unknown): number | null {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? null : parsed;
}

/** Azure Retail Prices API `Items[]` element. */
function azurePrice(item: Json, offer: RawPriceOffer): StageResult<ListedPrice> {
  const service = text(item.serviceName);
  const price = amount(item.retailPrice ?? item.unitPrice);
  const unit = text(item.unitOfMeasure);
  const effectiveFrom = time(item.effectiveStartDate);
  if (!service || price === null || !unit || effectiveFrom === null) {
    return reject(
      stage,
      'field_missing',
      'Azure item needs serviceName, retailPrice, unitOfMeasure and effectiveStartDate',
    );
  }
  const type = text(item.type) ?? 'Consumption';
  const skuName = text(item.skuName) ?? '';
  let priceType: PriceType;
  if (type === 'Reservation') priceType = 'reservation';
  else if (type === 'SavingsPlan') priceType = 'savings_plan';
  else if (type === 'DevTestConsumption') priceType = 'dev_test';
  else if (/\b(spot|low priority)\b/i.test(`${skuName} ${text(item.meterName) ?? ''}`)) priceType = 'spot';
  else priceType = 'on_demand';
  return accept({
    provider: 'azure',
    service,
    serviceFamily: text(item.serviceFamily),
    region: text(item.armRegionName) ?? text(item.location) ?? offer.region,
    product: [text(item.productName), skuName].filter(Boolean).join(' ') || null,
    amount: price,
    currency: text(item.currencyCode) ?? 'USD',
    unit,
    priceType,
    term: text(item.reservationTerm) ?? text(item.term),
    tierStart: amount(item.tierMinimumUnits) ?? 0,
    effectiveFrom,
  });
}

const awsTermTypes: Record<string, PriceType> = {
  OnDemand: 'on_demand',
  Reserved: 'reservation',
  SavingsPlan: 'savings_plan',
  Spot: 'spot',
};

/** AWS Price List product with one term and one price dimension: `{ product, serviceCode, term, priceDimension }`. */
function awsPrice(item: Json, offer: RawPriceOffer): StageResult<ListedPrice> {
  const product = (item.product ?? {}) as Json;
  const attributes = (product.attributes ?? {}) as Json;
  const term = (item.term ?? {}) as Json;
  const dimension = (item.priceDimension ?? {}) as Json;
  const service = text(item.serviceCode) ?? text(attributes.servicecode);
  const prices = (dimension.pricePerUnit ?? {}) as Json;
  const [currency, price] = Object.entries(prices).find(([, value]) => amount(value) !== null) ?? [];
  const unit = text(dimension.unit);
  const effectiveFrom = time(term.effectiveDate) ?? offer.fetchedAt;
  const priceType = awsTermTypes[text(term.type) ?? 'OnDemand'];
  if (!service || !currency || price === undefined || !unit) {
    return reject(
      stage,
      'field_missing',
      'AWS item needs serviceCode, priceDimension.unit and priceDimension.pricePerUnit',
    );
  }
  if (!priceType)
    return reject(stage, 'price_type_unknown', `AWS term type ${JSON.stringify(term.type)} is not known`);
  const termAttributes = (term.termAttributes ?? {}) as Json;
  const termText = [
    termAttributes.LeaseContractLength,
    termAttributes.PurchaseOption,
    termAttributes.OfferingClass,
  ]
    .map(text)
    .filter(Boolean)
    .join(' ');
  return accept({
    provider: 'aws',
    service,
    serviceFamily: text(product.productFamily),
    region: text(attributes.regionCode) ?? text(attributes.location) ?? offer.region,
    product: text(attributes.instanceType) ?? text(attributes.usagetype) ?? text(dimension.description),
    amount: price as string,
    currency,
    unit,
    priceType,
    term: termText || null,
    tierStart: amount(dimension.beginRange) ?? 0,
    effectiveFrom,
  });
}

/** The parse stage: the item's JSON read as a listed price; an unreadable item is poison. */
export function parseOffer(offer: RawPriceOffer): StageResult<ListedPrice> {
  let item: unknown;
  try {
    item = JSON.parse(offer.item);
  } catch (err) {
    return reject(stage, 'item_not_json', `item is not JSON: ${(err as Error).message}`);
  }
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return reject(stage, 'item_not_json', 'item is not a JSON object');
  }
  return offer.provider === 'azure' ? azurePrice(item as Json, offer) : awsPrice(item as Json, offer);
}
