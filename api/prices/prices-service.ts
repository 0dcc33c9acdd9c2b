import type pg from 'pg';
import { z } from 'zod';
import { append } from '../../lib/group.ts';
import { decimalText } from '../../lib/postgres.ts';
import { regionTable } from '../../schemas/pricing/regions.ts';
import type { CloudProvider } from '../../schemas/types.ts';
import { PgParams } from '../db/pg-params.ts';
import { ApiProblem } from '../http/problem.ts';
import { decodeCursor, keysetPage, type Page } from '../schemas.ts';
import { type Comparison, type Price, providers } from './schemas.ts';

/**
 * Cloud prices from PostgreSQL (`pricing_prices`, every version; current = no `effective_to` yet).
 * Lists, comparisons and the cheapest run off pricing_prices_compare_idx (kind, provider, price):
 * each provider's prices of one kind come cheapest first, so an answer reads only what it returns.
 */

interface PriceRow {
  event_id: string;
  provider: Price['provider'];
  service: string;
  category: Price['category'];
  region: string;
  region_name: string;
  region_mapped: boolean;
  original_region: string | null;
  provider_region_name: string | null;
  sku: string;
  product: string | null;
  price_per_unit_usd: string;
  unit: string;
  original_amount: string;
  original_currency: string;
  original_unit: string;
  usd_rate: string | null;
  usd_rate_date: string | null;
  price_type: Price['priceType'];
  term: string;
  purchase_option: string;
  offering_class: string | null;
  amortized: boolean;
  tier_start: number;
  tier_end: number | null;
  instance_type: string | null;
  vcpu: number | null;
  memory_gib: number | null;
  operating_system: string | null;
  tenancy: string | null;
  storage_class: string | null;
  effective_from: Date;
  effective_to: Date | null;
  collection_id: string;
  fetched_at: Date;
}

/** The columns of a PriceRow from table (or alias) `t`, decimals as exact text. */
function priceColumns(t: string): string {
  return `${t}.event_id, ${t}.provider, ${t}.service, ${t}.category, ${t}.region, ${t}.region_name,
  ${t}.region_mapped, ${t}.original_region, ${t}.provider_region_name, ${t}.sku, ${t}.product,
  ${t}.price_per_unit_usd::text AS price_per_unit_usd, ${t}.unit, ${t}.original_amount::text AS original_amount,
  ${t}.original_currency, ${t}.original_unit, ${t}.usd_rate::text AS usd_rate,
  to_char(${t}.usd_rate_date, 'YYYY-MM-DD') AS usd_rate_date, ${t}.price_type, ${t}.term, ${t}.purchase_option,
  ${t}.offering_class, ${t}.amortized, ${t}.tier_start, ${t}.tier_end, ${t}.instance_type, ${t}.vcpu,
  ${t}.memory_gib, ${t}.operating_system, ${t}.tenancy, ${t}.storage_class, ${t}.effective_from,
  ${t}.effective_to, ${t}.collection_id, ${t}.fetched_at`;
}

function priceOf(row: PriceRow): Price {
  return {
    id: row.event_id,
    provider: row.provider,
    service: row.service,
    category: row.category,
    region: row.region,
    regionName: row.region_name,
    regionMapped: row.region_mapped,
    providerRegion: row.original_region,
    providerRegionName: row.provider_region_name,
    sku: row.sku,
    product: row.product,
    pricePerUnitUsd: decimalText(row.price_per_unit_usd),
    unit: row.unit,
    originalAmount: decimalText(row.original_amount),
    currency: row.original_currency,
    originalUnit: row.original_unit,
    usdRate: row.usd_rate === null ? null : decimalText(row.usd_rate),
    usdRateDate: row.usd_rate_date,
    priceType: row.price_type,
    term: row.term || null,
    purchaseOption: row.purchase_option || null,
    offeringClass: row.offering_class,
    amortized: row.amortized,
    tierStart: row.tier_start,
    tierEnd: row.tier_end,
    instanceType: row.instance_type,
    vcpu: row.vcpu,
    memoryGib: row.memory_gib,
    operatingSystem: row.operating_system,
    tenancy: row.tenancy,
    storageClass: row.storage_class,
    effectiveFrom: row.effective_from.toISOString(),
    effectiveTo: row.effective_to?.toISOString() ?? null,
    collectionId: row.collection_id,
    fetchedAt: row.fetched_at.toISOString(),
  };
}

/** What a resource is; each list is "any of", each bound inclusive. */
export interface ResourceFilter {
  priceType?: string[];
  term?: string[];
  purchaseOption?: string[];
  currency?: string[];
  instanceType?: string[];
  operatingSystem?: string[];
  tenancy?: string[];
  storageClass?: string[];
  minVcpu?: number;
  maxVcpu?: number;
  minMemoryGib?: number;
  maxMemoryGib?: number;
}

export interface PricesFilter extends ResourceFilter {
  provider?: string[];
  service?: string[];
  category?: string[];
  region?: string[];
  unit?: string[];
  sku?: string[];
}

export interface KindQuery extends ResourceFilter {
  category: string;
  region: string;
  unit: string;
  provider?: string[];
  limit?: number;
}

/** Column of each list filter (names come from here, never from input). */
const listColumns: Record<string, string> = {
  provider: 'provider',
  service: 'service',
  category: 'category',
  region: 'region',
  unit: 'unit',
  sku: 'sku',
  priceType: 'price_type',
  term: 'term',
  purchaseOption: 'purchase_option',
  currency: 'original_currency',
  instanceType: 'instance_type',
  operatingSystem: 'operating_system',
  tenancy: 'tenancy',
  storageClass: 'storage_class',
};

const boundColumns: Record<string, [string, '>=' | '<=']> = {
  minVcpu: ['vcpu', '>='],
  maxVcpu: ['vcpu', '<='],
  minMemoryGib: ['memory_gib', '>='],
  maxMemoryGib: ['memory_gib', '<='],
};

/** The conditions of a filter, current prices only. */
function conditionsOf(filter: PricesFilter, params: PgParams): string[] {
  const conditions = ['effective_to IS NULL', 'effective_from <= now()'];
  for (const [field, column] of Object.entries(listColumns)) {
    const values = filter[field as keyof PricesFilter] as string[] | undefined;
    // one value as `=`: an index can then give the rows in its order (ANY(array) cannot)
    if (values?.length === 1) conditions.push(`${column} = ${params.bind(values[0])}`);
    else if (values) conditions.push(`${column} = ANY(${params.bind(values)}::text[])`);
  }
  for (const [field, [column, operator]] of Object.entries(boundColumns)) {
    const bound = filter[field as keyof PricesFilter] as number | undefined;
    if (bound !== undefined) conditions.push(`${column} ${operator} ${params.bind(bound)}`);
  }
  return conditions;
}

/** The order of the price list (pricing_prices_compare_idx's): kind, provider, price, id. */
const listOrder = ['category', 'region', 'unit', 'price_type', 'provider', 'price_per_unit_usd', 'event_id'];
const listCursor = z.tuple([
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string().regex(/^-?\d+(\.\d+)?$/),
  z.string(),
]);

const regionNames = new Map(regionTable.map((region) => [region.id, region.name]));

export class PricesService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly pageSize: (limit: number | undefined) => number,
  ) {}

  async list(filter: PricesFilter, limit?: number, cursor?: string): Promise<Page<Price>> {
    const size = this.pageSize(limit);
    const params = new PgParams();
    const conditions = conditionsOf(filter, params);
    if (cursor !== undefined) {
      const after = decodeCursor(cursor, listCursor);
      if (!after) throw new ApiProblem('invalid-request', 'the cursor is not one this API gave out');
      const [first, ...rest] = after.map((value) => params.bind(value));
      conditions.push(
        `(${listOrder.join(', ')}) > (${first}, ${rest.slice(0, 4).join(', ')}, ${rest[4]}::numeric, ${rest[5]})`,
      );
    }
    const { rows } = await this.pool.query<PriceRow>(
      `SELECT ${priceColumns('pricing_prices')} FROM pricing_prices WHERE ${conditions.join(' AND ')}
       ORDER BY ${listOrder.join(', ')} LIMIT ${params.bind(size + 1)}`,
      params.values,
    );
    return keysetPage(rows, size, priceOf, (last) => [
      last.category,
      last.region,
      last.unit,
      last.price_type,
      last.provider,
      last.price_per_unit_usd,
      last.event_id,
    ]);
  }

  /**
   * The cheapest current prices of one kind, up to `limit` per provider: one index range per
   * provider (LATERAL), read cheapest first.
   */
  private async cheapestPerProvider(
    query: KindQuery,
    perProvider: number,
    overall?: number,
  ): Promise<PriceRow[]> {
    const params = new PgParams();
    const { provider, limit: _limit, ...kind } = query;
    const priceTypes = kind.priceType ?? ['on_demand'];
    const conditions = conditionsOf(
      { ...kind, priceType: priceTypes, category: [kind.category], region: [kind.region], unit: [kind.unit] },
      params,
    );
    const { rows } = await this.pool.query<PriceRow>(
      `SELECT chosen.* FROM unnest(${params.bind(provider ?? providers)}::text[]) AS wanted(provider)
       CROSS JOIN LATERAL (
         SELECT ${priceColumns('p')} FROM pricing_prices p
         WHERE p.provider = wanted.provider AND ${conditions.join(' AND ')}
         ORDER BY price_per_unit_usd, event_id LIMIT ${params.bind(perProvider)}
       ) chosen
       ORDER BY ${overall === undefined ? 'chosen.provider, ' : ''}chosen.price_per_unit_usd, chosen.event_id
       ${overall === undefined ? '' : `LIMIT ${params.bind(overall)}`}`,
      params.values,
    );
    return rows;
  }

  private kindAnswer(query: KindQuery) {
    return {
      category: query.category as Comparison['category'],
      region: query.region,
      regionName: regionNames.get(query.region) ?? null,
      unit: query.unit,
      priceType: (query.priceType ?? ['on_demand']) as Comparison['priceType'],
    };
  }

  /** The same kind of resource side by side: each provider's cheapest, in one region and unit. */
  async compare(query: KindQuery): Promise<Comparison> {
    const rows = await this.cheapestPerProvider(query, this.pageSize(query.limit ?? 10));
    return {
      ...this.kindAnswer(query),
      providers: (query.provider ?? providers).map((name) => ({
        provider: name as Price['provider'],
        prices: rows.filter((row) => row.provider === name).map(priceOf),
      })),
    };
  }

  /** The cheapest `limit` current prices of a kind over every provider. */
  async cheapest(query: KindQuery) {
    const limit = this.pageSize(query.limit ?? 10);
    const rows = await this.cheapestPerProvider(query, limit, limit);
    return { ...this.kindAnswer(query), prices: rows.map(priceOf) };
  }

  /** Every version of the price `id` is a version of, oldest first; undefined when there is no such price. */
  async history(id: string): Promise<Price[] | undefined> {
    const [versions] = await this.historyOf([id]);
    return versions;
  }

  /** Histories of several prices in one query (a GraphQL batch). */
  async historyOf(ids: readonly string[]): Promise<(Price[] | undefined)[]> {
    const { rows } = await this.pool.query<PriceRow & { asked: string }>(
      `SELECT asked.event_id AS asked, ${priceColumns('h')}
       FROM pricing_prices asked
       JOIN pricing_prices h USING (provider, sku, region, original_currency, price_type, term, purchase_option, tier_start)
       WHERE asked.event_id = ANY($1::text[])
       ORDER BY asked.event_id, h.effective_from, h.event_id`,
      [ids],
    );
    const byId = new Map<string, Price[]>();
    for (const row of rows) append(byId, row.asked, priceOf(row));
    return ids.map((id) => byId.get(id));
  }

  /** The providers, with the regions the table maps for each and their latest collection run. */
  async providers() {
    const runs = await this.lastRuns();
    return providers.map((id) => ({
      id: id as Price['provider'],
      regions: regionTable.filter((region) => region[id as CloudProvider].length > 0).length,
      lastRun: runs.get(id) ?? null,
    }));
  }

  /** The region table: each place with every provider's codes and names for it. */
  regions(filter: { provider?: string; country?: string } = {}) {
    return regionTable
      .filter((region) => !filter.provider || region[filter.provider as CloudProvider].length > 0)
      .filter((region) => !filter.country || region.country === filter.country)
      .map((region) => ({
        id: region.id,
        name: region.name,
        country: region.country,
        providers: { aws: region.aws, azure: region.azure },
      }));
  }

  /** The latest collection run of each provider. */
  private async lastRuns(): Promise<
    Map<string, { runId: string; status: string; startedAt: string; finishedAt: string | null }>
  > {
    const { rows } = await this.pool.query<{
      provider: string;
      run_id: string;
      status: string;
      started_at: Date;
      finished_at: Date | null;
    }>(
      `SELECT DISTINCT ON (provider) provider, run_id, status, started_at, finished_at
         FROM collection_runs ORDER BY provider, started_at DESC`,
    );
    return new Map(
      rows.map((row) => [
        row.provider,
        {
          runId: row.run_id,
          status: row.status,
          startedAt: row.started_at.toISOString(),
          finishedAt: row.finished_at?.toISOString() ?? null,
        },
      ]),
    );
  }
}
