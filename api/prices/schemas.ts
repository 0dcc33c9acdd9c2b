import { z } from 'zod';
import { readSchema, topics } from '../../schemas/catalog.ts';
import { cursorParameter, isoTime, listOf, pageInfo, pageLimit, plainText } from '../schemas.ts';

/** The enums of the normalized price schema (the .avsc is their one definition). */
function avroEnum(field: string): { symbols: [string, ...string[]]; doc: string } {
  const schema = readSchema(topics.normalizedPricing.schemaFile) as {
    fields: { name: string; type: { symbols?: string[]; doc?: string } }[];
  };
  const type = schema.fields.find((f) => f.name === field)?.type;
  if (!type?.symbols?.length) throw new Error(`the normalized price schema has no enum ${field}`);
  return { symbols: type.symbols as [string, ...string[]], doc: type.doc ?? '' };
}

const providerEnum = avroEnum('provider');
const categoryEnum = avroEnum('category');
const priceTypeEnum = avroEnum('priceType');

export const providers = providerEnum.symbols;

/** The service categories with their names, from the enum's doc ("COMPUTE_WEB=Compute & Web, …"). */
export const serviceCategories = categoryEnum.symbols.map((id) => ({
  id,
  name: new RegExp(`(?:^|, )${id}=([^,.]+)`).exec(categoryEnum.doc)?.[1] ?? id,
}));

const provider = z.enum(providerEnum.symbols);
const category = z.enum(categoryEnum.symbols);
const priceType = z.enum(priceTypeEnum.symbols);
/** A Sluice region id, or `<provider>:<code>` for a provider region the table does not know. */
const region = z
  .string()
  .max(64)
  .regex(/^[a-z0-9][a-z0-9:-]*$/, 'expected a Sluice region id such as us-virginia (GET /api/v1/regions)');
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD or EUR');
const label = plainText(128).min(1);
const amount = z.coerce.number({ message: 'expected a number' }).nonnegative().finite();

/** Filters every price route shares: what a resource is. */
const resource = {
  priceType: listOf(priceType, 5, 'Price types (default on_demand for compare and cheapest).').optional(),
  term: listOf(label, 5, 'Commitment terms, e.g. "1 Year".').optional(),
  purchaseOption: listOf(label, 5, 'AWS purchase options, e.g. "No Upfront".').optional(),
  currency: listOf(currency, 5, 'Currencies the prices were listed in.').optional(),
  instanceType: listOf(label, 50, 'Instance or VM sizes (AWS instanceType, Azure armSkuName).').optional(),
  operatingSystem: listOf(label, 5, 'Operating systems of instance prices.').optional(),
  tenancy: listOf(label, 3, 'AWS tenancy: Shared, Dedicated, Host.').optional(),
  storageClass: listOf(label, 10, 'Storage classes of storage prices.').optional(),
  minVcpu: amount.optional().meta({ description: 'At least this many vCPUs (prices that list vCPUs).' }),
  maxVcpu: amount.optional().meta({ description: 'At most this many vCPUs.' }),
  minMemoryGib: amount.optional().meta({ description: 'At least this much memory, GiB.' }),
  maxMemoryGib: amount.optional().meta({ description: 'At most this much memory, GiB.' }),
};

export const pricesQuery = z.strictObject({
  provider: listOf(provider, 2, 'Providers.').optional(),
  service: listOf(
    label,
    20,
    'Services as the provider names them (AWS service code, Azure serviceName).',
  ).optional(),
  category: listOf(category, 13, 'Service categories (GET /api/v1/categories).').optional(),
  region: listOf(region, 50, 'Sluice region ids (GET /api/v1/regions).').optional(),
  unit: listOf(label, 10, 'Canonical units: hour, GB-month, GB, 1M requests, …').optional(),
  sku: listOf(plainText(512).min(1), 50, 'The provider’s natural keys of the prices.').optional(),
  ...resource,
  limit: pageLimit.optional(),
  cursor: cursorParameter.optional(),
});

/** Compare and cheapest: one kind of resource in one region and unit. */
const kind = {
  category: category.meta({ description: 'Service category.' }),
  region: region.meta({ description: 'Sluice region id.' }),
  unit: label.meta({ description: 'Canonical unit, e.g. hour.', example: 'hour' }),
  ...resource,
};

export const compareQuery = z.strictObject({
  ...kind,
  provider: listOf(provider, 2, 'Providers to compare (default: all).').optional(),
  limit: pageLimit.optional().meta({ description: 'Prices per provider, cheapest first (default 10).' }),
});

export const cheapestQuery = z.strictObject({
  ...kind,
  limit: pageLimit
    .optional()
    .meta({ description: 'How many, cheapest first over every provider (default 10).' }),
});

export const priceParams = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a price id (the id of a price in an answer)')
    .meta({ description: 'Id of any version of the price.' }),
});

const decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .meta({ description: 'Exact decimal, as text (never a float).', example: '0.096' });

export const price = z
  .object({
    id: z.string().meta({ description: 'Id of this version of the price (its event id).' }),
    provider,
    service: z.string(),
    category,
    region: z
      .string()
      .meta({ description: 'Sluice region id; <provider>:<code> when the region table does not know it.' }),
    regionName: z.string(),
    regionMapped: z.boolean(),
    providerRegion: z.string().nullable().meta({ description: 'The provider’s region code.' }),
    providerRegionName: z.string().nullable(),
    sku: z.string().meta({ description: 'The provider’s natural key of the price.' }),
    product: z.string().nullable(),
    pricePerUnitUsd: decimal.meta({ description: 'USD per canonical unit, exact.' }),
    unit: z.string(),
    originalAmount: decimal.meta({ description: 'The price as listed, in its currency per its unit.' }),
    currency: z.string(),
    originalUnit: z.string(),
    usdRate: decimal.nullable().meta({ description: 'USD per one unit of the currency used (1 for USD).' }),
    usdRateDate: z.string().nullable(),
    priceType,
    term: z.string().nullable(),
    purchaseOption: z.string().nullable(),
    offeringClass: z.string().nullable(),
    amortized: z
      .boolean()
      .meta({ description: 'True when a whole-term amount was spread over the term’s hours.' }),
    tierStart: z.number(),
    tierEnd: z.number().nullable(),
    instanceType: z.string().nullable(),
    vcpu: z.number().nullable(),
    memoryGib: z.number().nullable(),
    operatingSystem: z.string().nullable(),
    tenancy: z.string().nullable(),
    storageClass: z.string().nullable(),
    effectiveFrom: isoTime,
    effectiveTo: isoTime
      .nullable()
      .meta({ description: 'When the next version took effect; null while current.' }),
    collectionId: z.string().meta({ description: 'The collection run that fetched it.' }),
    fetchedAt: isoTime,
  })
  .meta({ id: 'Price', description: 'One version of a cloud price.' });

export type Price = z.infer<typeof price>;

export const pricesPage = z.object({ data: z.array(price), page: pageInfo }).meta({ id: 'PricesPage' });

const kindAnswer = {
  category,
  region: z.string(),
  regionName: z.string().nullable(),
  unit: z.string(),
  priceType: z.array(priceType),
};

export const comparison = z
  .object({
    ...kindAnswer,
    providers: z.array(
      z.object({
        provider,
        prices: z
          .array(price)
          .meta({ description: 'The provider’s cheapest current prices of the kind, cheapest first.' }),
      }),
    ),
  })
  .meta({ id: 'PriceComparison' });

export type Comparison = z.infer<typeof comparison>;

export const cheapest = z
  .object({
    ...kindAnswer,
    prices: z.array(price).meta({ description: 'Cheapest first, over every provider.' }),
  })
  .meta({ id: 'CheapestPrices' });

export const priceHistory = z
  .object({
    id: z.string(),
    versions: z.array(price).meta({ description: 'Every version of the price, oldest first.' }),
  })
  .meta({ id: 'PriceHistory' });

export const providerEntry = z
  .object({
    id: provider,
    regions: z.number().int().meta({ description: 'Sluice regions the region table maps for it.' }),
    lastRun: z
      .object({ runId: z.string(), status: z.string(), startedAt: isoTime, finishedAt: isoTime.nullable() })
      .nullable()
      .meta({ description: 'Its latest price collection run.' }),
  })
  .meta({ id: 'Provider' });

export const categoryEntry = z.object({ id: category, name: z.string() }).meta({ id: 'Category' });

const location = z.object({ code: z.string().nullable(), name: z.string() });

export const regionEntry = z
  .object({
    id: z.string(),
    name: z.string(),
    country: z.string().nullable().meta({ description: 'ISO 3166 country code; null for global.' }),
    providers: z
      .record(provider, z.array(location))
      .meta({ description: 'Each provider’s own codes and names of this place (empty: it has none there).' }),
  })
  .meta({ id: 'Region', description: 'A Sluice region: one place, with every provider’s codes for it.' });

export const regionsQuery = z.strictObject({
  provider: provider.optional().meta({ description: 'Only regions this provider has.' }),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 country code such as DE')
    .optional(),
});

export const listOfAll = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item) }).meta({ id });
