import { pageAnswer } from '../http/pages.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import type { PricesService } from './prices-service.ts';
import {
  categoryEntry,
  cheapest,
  cheapestQuery,
  compareQuery,
  comparison,
  listOfAll,
  priceHistory,
  priceParams,
  pricesPage,
  pricesQuery,
  providerEntry,
  regionEntry,
  regionsQuery,
  serviceCategories,
} from './schemas.ts';

const tags = ['prices'];

/**
 * `dataVersion`: the version of pricing_prices (api/db/table-changes.ts); answers over prices are
 * kept by the API until a load changes them.
 */
export function priceRoutes(prices: PricesService, dataVersion: () => string | undefined): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/prices',
      operationId: 'listPrices',
      dataVersion,
      summary:
        'Current prices by provider, service, category, region, type, term, currency, unit and attributes',
      description:
        'Ordered by kind (category, region, unit, price type), provider, then cheapest first. Prices in force now (a collection loads new versions; GET /api/v1/prices/{id}/history has the earlier ones).',
      tags,
      role: 'read',
      query: pricesQuery,
      responses: { 200: { description: 'A page of prices.', schema: pricesPage } },
      async handle({ query, request }) {
        const { limit, cursor, ...filter } = query;
        return pageAnswer(request, await prices.list(filter, limit, cursor));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prices/compare',
      operationId: 'comparePrices',
      dataVersion,
      summary: 'The same kind of resource side by side across providers, in one region and unit',
      description:
        'Each provider’s cheapest current prices of the category (on-demand unless priceType says otherwise), with the attribute filters given (e.g. minVcpu=2&minMemoryGib=8, or instanceType).',
      tags,
      role: 'read',
      query: compareQuery,
      responses: { 200: { description: 'Prices per provider, cheapest first.', schema: comparison } },
      async handle({ query }) {
        return { json: await prices.compare(query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prices/cheapest',
      operationId: 'cheapestPrices',
      dataVersion,
      summary: 'The N cheapest current prices of a category in a region and unit, at least a given spec',
      tags,
      role: 'read',
      query: cheapestQuery,
      responses: { 200: { description: 'Cheapest first, over every provider.', schema: cheapest } },
      async handle({ query }) {
        return { json: await prices.cheapest(query) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/prices/{id}/history',
      operationId: 'priceHistory',
      dataVersion,
      summary: 'Every version of a price over time',
      description:
        'The versions share the price’s identity (provider, sku, region, currency, price type, term, purchase option, tier start); each was in force from its effectiveFrom until the next one’s.',
      tags,
      role: 'read',
      params: priceParams,
      responses: { 200: { description: 'The versions, oldest first.', schema: priceHistory } },
      async handle({ params }) {
        const versions = await prices.history(params.id);
        if (!versions) throw new ApiProblem('not-found', `no price ${JSON.stringify(params.id)}`);
        return { json: { id: params.id, versions } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/providers',
      operationId: 'listProviders',
      summary: 'The cloud providers, with their regions in the table and their latest collection run',
      tags,
      role: 'read',
      responses: { 200: { description: 'Every provider.', schema: listOfAll(providerEntry, 'Providers') } },
      async handle() {
        return { json: { data: await prices.providers() } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/categories',
      operationId: 'listCategories',
      summary: 'The service categories prices are grouped in',
      tags,
      role: 'read',
      responses: { 200: { description: 'Every category.', schema: listOfAll(categoryEntry, 'Categories') } },
      async handle() {
        return { json: { data: serviceCategories } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/regions',
      operationId: 'listRegions',
      summary: 'Each Sluice region (one place) with every provider’s own codes for it',
      description: 'The region table (schemas/pricing/regions.json); `global` holds prices without a place.',
      tags,
      role: 'read',
      query: regionsQuery,
      responses: { 200: { description: 'The regions.', schema: listOfAll(regionEntry, 'Regions') } },
      async handle({ query }) {
        return { json: { data: prices.regions(query) } };
      },
    }),
  ];
}
