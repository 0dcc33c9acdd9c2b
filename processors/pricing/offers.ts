import type { AwsPriceDimension, AwsPriceListItem, AwsTerm } from '../../schemas/pricing/aws-price-list.ts';
import { type AzureRetailItem, savingsPlanTermAttribute } from '../../schemas/pricing/azure-retail-prices.ts';
import type { CloudProvider, PriceType, RawPriceOffer } from '../../schemas/types.ts';
import { accept, reject, type StageResult } from '../runner/pipeline.ts';

/** What a comparison needs to know about the priced resource; null where the provider does not say. */
export interface ResourceAttributes {
  instanceType: string | null;
  vcpu: number | null;
  memoryGib: number | null;
  operatingSystem: string | null;
  tenancy: string | null;
  storageClass: string | null;
}

/** One price as a price list states it, read the same way for Azure and AWS; units and money still as listed. */
export interface ListedPrice {
  provider: CloudProvider;
  service: string;
  serviceFamily: string | null;
  /** The provider's region code (armRegionName, regionCode) and display name (location). */
  regionCode: string | null;
  regionName: string | null;
  product: string | null;
  amount: string | number;
  currency: string;
  unit: string;
  priceType: PriceType;
  /** Canonical term: '1 Year', '3 Years'; null without a commitment. */
  term: string | null;
  /** Years of the term, when there is one. */
  termYears: number | null;
  purchaseOption: string | null;
  offeringClass: string | null;
  /** The amount is for the whole term (Azure reservations, AWS upfront fees), not per listed unit. */
  wholeTerm: boolean;
  /** Tier bounds in listed units; tierEnd null when open-ended or not listed. */
  tierStart: string | number;
  tierEnd: string | number | null;
  effectiveFrom: number;
  attributes: ResourceAttributes;
}

const stage = 'parse';

type Json = Record<string, unknown>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function time(value: unknown): number | null {
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? null : parsed;
}

/** '1 Year', '3 Years', '1yr', '3yr' → years; anything else is not a term this stage knows. */
function termYearsOf(listed: string): number | null {
  const match = /^(\d+)\s*(?:yrs?|years?)$/i.exec(listed.trim());
  return match ? Number(match[1]) : null;
}

export function canonicalTerm(years: number): string {
  return `${years} ${years === 1 ? 'Year' : 'Years'}`;
}

function termOf(listed: string | null): StageResult<{ term: string | null; termYears: number | null }> {
  if (listed === null) return accept({ term: null, termYears: null });
  const years = termYearsOf(listed);
  if (years === null || years < 1)
    return reject('price', 'term_unknown', `term ${JSON.stringify(listed)} is not N Year(s) or Nyr`);
  return accept({ term: canonicalTerm(years), termYears: years });
}

const noAttributes: ResourceAttributes = {
  instanceType: null,
  vcpu: null,
  memoryGib: null,
  operatingSystem: null,
  tenancy: null,
  storageClass: null,
};

/** Azure Retail Prices API `Items[]` element (or one of its savingsPlan[] entries, see savingsPlanTermAttribute). */
function azurePrice(item: Partial<AzureRetailItem>, offer: RawPriceOffer): StageResult<ListedPrice> {
  const service = text(item.serviceName);
  const currency = text(item.currencyCode);
  const unit = text(item.unitOfMeasure);
  const effectiveFrom = time(item.effectiveStartDate);
  const missing = [
    !service && 'serviceName',
    typeof item.retailPrice !== 'number' && 'retailPrice',
    !currency && 'currencyCode',
    !unit && 'unitOfMeasure',
    effectiveFrom === null && 'effectiveStartDate',
  ].filter(Boolean);
  if (!service || !currency || !unit || effectiveFrom === null || missing.length > 0) {
    return reject(stage, 'field_missing', `Azure item lacks ${missing.join(', ')}`);
  }
  const type = text(item.type);
  const skuName = text(item.skuName) ?? '';
  const planTerm = offer.attributes[savingsPlanTermAttribute];
  let priceType: PriceType;
  let amount = item.retailPrice as number;
  let listedTerm: string | null = null;
  if (planTerm !== undefined) {
    const plan = item.savingsPlan?.find((entry) => entry.term === planTerm);
    if (!plan || typeof plan.retailPrice !== 'number') {
      return reject(
        stage,
        'field_missing',
        `Azure item has no savingsPlan entry with term ${JSON.stringify(planTerm)}`,
      );
    }
    priceType = 'savings_plan';
    amount = plan.retailPrice;
    listedTerm = planTerm;
  } else if (type === 'Reservation') {
    priceType = 'reservation';
    listedTerm = text(item.reservationTerm);
    if (listedTerm === null) return reject(stage, 'field_missing', 'Azure reservation lacks reservationTerm');
  } else if (type === 'DevTestConsumption') priceType = 'dev_test';
  else if (type === 'Consumption' || type === null) {
    priceType = /\b(spot|low priority)\b/i.test(`${skuName} ${text(item.meterName) ?? ''}`)
      ? 'spot'
      : 'on_demand';
  } else return reject(stage, 'price_type_unknown', `Azure price type ${JSON.stringify(type)} is not known`);
  const term = termOf(listedTerm);
  if (!term.ok) return term;
  const virtualMachine = service === 'Virtual Machines';
  return accept({
    provider: 'azure',
    service,
    serviceFamily: text(item.serviceFamily),
    regionCode: typeof item.armRegionName === 'string' ? item.armRegionName : offer.region,
    regionName: typeof item.location === 'string' ? item.location : null,
    product: [text(item.productName), skuName].filter(Boolean).join(' ') || null,
    amount,
    currency,
    unit,
    priceType,
    ...term.value,
    purchaseOption: null,
    offeringClass: null,
    wholeTerm: priceType === 'reservation',
    tierStart: typeof item.tierMinimumUnits === 'number' ? item.tierMinimumUnits : 0,
    tierEnd: null,
    effectiveFrom,
    attributes: {
      ...noAttributes,
      instanceType: text(item.armSkuName),
      operatingSystem: virtualMachine
        ? /\bwindows\b/i.test(item.productName ?? '')
          ? 'Windows'
          : 'Linux'
        : null,
    },
  });
}

const awsTermTypes: Record<string, PriceType> = { OnDemand: 'on_demand', Reserved: 'reservation' };

/** The only entry of an object, or undefined when it has none or several. */
function single<T>(value: unknown): [string, T] | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value);
  return entries.length === 1 ? (entries[0] as [string, T]) : undefined;
}

function finiteNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const number = Number(value.replaceAll(',', ''));
  return value.trim() !== '' && Number.isFinite(number) ? number : null;
}

/** '8 GiB', '0.5 GiB', '1,024 GiB' → GiB; 'NA' → null. */
function gibOf(value: string | undefined): number | null {
  const match = /^([\d.,]+)\s*GiB$/i.exec(value?.trim() ?? '');
  return match ? finiteNumber(match[1]) : null;
}

/**
 * AWS: a GetProducts PriceList element narrowed to one term and one price dimension
 * (`terms.<type>.<sku.offerTermCode>.priceDimensions.<rateCode>`), as both AWS collectors publish it.
 */
function awsPrice(item: Partial<AwsPriceListItem>, offer: RawPriceOffer): StageResult<ListedPrice> {
  const product = isObject(item.product) ? item.product : undefined;
  const attributes = (isObject(product?.attributes) ? product.attributes : {}) as Record<string, string>;
  const termType = single<Record<string, AwsTerm>>(item.terms);
  const term = termType && single<AwsTerm>(termType[1]);
  const dimension = term && isObject(term[1]) && single<AwsPriceDimension>(term[1].priceDimensions);
  if (!product || !termType || !term || !dimension || !isObject(dimension[1])) {
    return reject(
      stage,
      'item_shape',
      'AWS item must be a PriceList element with a product and one term holding one price dimension (terms.<type>.<sku.offerTermCode>.priceDimensions.<rateCode>)',
    );
  }
  const [type, [termKey, termValue], [rateCode, price]] = [termType[0], term, dimension];
  const where = `terms.${type}.${termKey}`;
  const service = text(attributes.servicecode) ?? text(item.serviceCode);
  const currencyEntry = single<string>(price.pricePerUnit);
  const unit = text(price.unit);
  const effectiveFrom = time(termValue.effectiveDate);
  const missing = [
    !service && 'serviceCode',
    !unit && `${where}.priceDimensions.${rateCode}.unit`,
    !currencyEntry && `${where}.priceDimensions.${rateCode}.pricePerUnit (one currency)`,
    effectiveFrom === null && `${where}.effectiveDate`,
  ].filter(Boolean);
  if (!service || !unit || !currencyEntry || effectiveFrom === null) {
    return reject(stage, 'field_missing', `AWS item lacks ${missing.join(', ')}`);
  }
  const priceType = awsTermTypes[type];
  if (!priceType)
    return reject(stage, 'price_type_unknown', `AWS term type ${JSON.stringify(type)} is not known`);
  const termAttributes = isObject(termValue.termAttributes)
    ? (termValue.termAttributes as Record<string, string>)
    : {};
  const lease = text(termAttributes.LeaseContractLength);
  if (priceType === 'reservation' && lease === null) {
    return reject(stage, 'field_missing', `AWS item lacks ${where}.termAttributes.LeaseContractLength`);
  }
  const canonical = termOf(lease);
  if (!canonical.ok) return canonical;
  const upfront = unit.toLowerCase() === 'quantity';
  return accept({
    provider: 'aws',
    service,
    serviceFamily: text(product.productFamily),
    regionCode:
      text(attributes.regionCode) ??
      text(attributes.fromRegionCode) ??
      (attributes.location ? null : offer.region),
    regionName: text(attributes.location) ?? text(attributes.fromLocation),
    product:
      text(attributes.instanceType) ??
      text(attributes.volumeApiName) ??
      text(attributes.usagetype) ??
      text(price.description),
    amount: currencyEntry[1],
    currency: currencyEntry[0],
    unit,
    priceType,
    ...canonical.value,
    purchaseOption: text(termAttributes.PurchaseOption),
    offeringClass: text(termAttributes.OfferingClass),
    wholeTerm: priceType === 'reservation' && upfront,
    tierStart: text(price.beginRange) ?? 0,
    tierEnd: price.endRange === undefined || /^inf/i.test(price.endRange) ? null : price.endRange,
    effectiveFrom,
    attributes: {
      instanceType: text(attributes.instanceType),
      vcpu: finiteNumber(attributes.vcpu),
      memoryGib: gibOf(attributes.memory),
      operatingSystem: text(attributes.operatingSystem),
      tenancy: text(attributes.tenancy),
      storageClass: text(attributes.storageClass) ?? text(attributes.volumeApiName),
    },
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
  if (!isObject(item)) return reject(stage, 'item_not_json', 'item is not a JSON object');
  const listed = offer.provider === 'azure' ? azurePrice(item, offer) : awsPrice(item, offer);
  if (listed.ok && !storableTime(listed.value.effectiveFrom)) {
    return reject(
      stage,
      'time_invalid',
      `effective from ${new Date(listed.value.effectiveFrom).toISOString()}: the stores hold 1970-01-01 to 2106-02-07`,
    );
  }
  return listed;
}

/** Within ClickHouse's DateTime (seconds since 1970 as UInt32), where the sinks store price times. */
function storableTime(ms: number): boolean {
  return ms >= 0 && ms < 2 ** 32 * 1000;
}
