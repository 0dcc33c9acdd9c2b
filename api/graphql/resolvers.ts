import DataLoader from 'dataloader';
import type { z } from 'zod';
import { append } from '../../lib/group.ts';
import { type Device, deviceParams, devicePatch, devicePut, devicesQuery } from '../devices/schemas.ts';
import { type Principal, requireRole } from '../http/auth.ts';
import { ApiProblem, invalidInput } from '../http/problem.ts';
import {
  cheapestQuery,
  compareQuery,
  type Price,
  priceParams,
  pricesQuery,
  regionsQuery,
  serviceCategories,
} from '../prices/schemas.ts';
import { type CollectionRun, runsQuery } from '../runs/runs.ts';
import type { ApiServices } from '../server.ts';
import type { AggregatesAnswer } from '../telemetry/schemas.ts';
import { aggregatesQuery, latestQuery, type Reading, readingsQuery } from '../telemetry/schemas.ts';

/**
 * Resolvers over the same services and the same zod schemas as REST: arguments are validated
 * exactly as query parameters are. Nested fields go through DataLoaders made per request, so a
 * level of the answer costs one query whatever the number of parents.
 */

export type GraphQLContext = {
  principal: Principal;
  loaders: Loaders;
};

type Args = Record<string, unknown>;

/** GraphQL arguments as the REST query schema takes them (numbers as the strings a URL holds). */
function validated<S extends z.ZodType>(schema: S, args: Args): z.output<S> {
  const asQuery: Args = {};
  for (const [name, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    asQuery[name] = typeof value === 'number' ? String(value) : value;
  }
  const result = schema.safeParse(asQuery);
  if (!result.success) throw invalidInput(result.error, 'argument');
  return result.data;
}

function pageOf<T>(page: { data: T[]; next?: string }) {
  return { data: page.data, next: page.next ?? null };
}

function tagRecord(tags: unknown): Record<string, string | null> | undefined {
  if (!Array.isArray(tags)) return undefined;
  return Object.fromEntries(
    (tags as { key: string; value: string | null }[]).map((tag) => [tag.key, tag.value ?? null]),
  );
}

/** A device mutation's id and input, validated by the REST body schema; admins only. */
function deviceChange<S extends z.ZodType>(context: GraphQLContext, args: Args, field: string, schema: S) {
  requireRole(context.principal, 'admin');
  const { id } = validated(deviceParams, { id: args.id });
  const input = { ...(args[field] as Args) };
  if (input.tags !== undefined) input.tags = tagRecord(input.tags);
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, `${field} field`);
  return { id, input: parsed.data as z.output<S> };
}

/** A GraphQL price filter or kind as the REST query takes it: the resource fields flattened. */
function flattened(input: unknown): Args {
  const { resource, ...rest } = (input ?? {}) as Args & { resource?: Args | null };
  return { ...rest, ...(resource ?? {}) };
}

export function createLoaders(services: ApiServices) {
  return {
    history: new DataLoader<string, Price[] | undefined>((ids) => services.prices.historyOf(ids), {
      maxBatchSize: 100,
    }),
    run: new DataLoader<string, CollectionRun | undefined>((ids) => services.runs.byIds(ids), {
      maxBatchSize: 100,
    }),
    device: new DataLoader<string, Device | undefined>((ids) => services.devices.byIds(ids), {
      maxBatchSize: 100,
    }),
    latest: new DataLoader<string, Reading[]>(
      async (ids) => {
        const readings = await services.telemetry.latestOfDevices([...ids]);
        return ids.map((id) => readings.filter((reading) => reading.deviceId === id));
      },
      { maxBatchSize: 100 },
    ),
    /** Keyed by device and the request's other arguments: devices asking the same are one query. */
    aggregates: new DataLoader<string, AggregatesAnswer['series']>(
      async (keys) => {
        const byRequest = new Map<string, string[]>();
        for (const key of keys) {
          const [device, request] = JSON.parse(key) as [string, string];
          append(byRequest, request, device);
        }
        const series = new Map<string, AggregatesAnswer['series']>();
        for (const [request, devices] of byRequest) {
          const query = validated(aggregatesQuery, { ...(JSON.parse(request) as Args), device: devices });
          const answer = await services.telemetry.aggregates(query);
          for (const device of devices) {
            series.set(
              JSON.stringify([device, request]),
              answer.series.filter((s) => s.deviceId === device),
            );
          }
        }
        return keys.map((key) => series.get(key) ?? []);
      },
      { maxBatchSize: 100 },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export function createResolvers(services: ApiServices) {
  const deviceOfReading = (parent: { deviceId: string }, _args: Args, context: GraphQLContext) =>
    context.loaders.device.load(parent.deviceId);
  return {
    Query: {
      async readings(_parent: unknown, args: Args) {
        const { limit, cursor, ...filter } = validated(readingsQuery, args);
        return pageOf(await services.telemetry.readings(filter, limit, cursor));
      },
      aggregates: (_parent: unknown, args: Args) =>
        services.telemetry.aggregates(validated(aggregatesQuery, args)),
      async latest(_parent: unknown, args: Args) {
        const { limit, cursor, ...filter } = validated(latestQuery, args);
        return pageOf(await services.telemetry.latest(filter, limit, cursor));
      },
      async devices(_parent: unknown, args: Args) {
        const { limit, cursor, ...filter } = validated(devicesQuery, args);
        return pageOf(await services.devices.list(filter, limit, cursor));
      },
      device(_parent: unknown, args: Args, context: GraphQLContext) {
        return context.loaders.device.load(validated(deviceParams, args).id);
      },
      async collectionRuns(_parent: unknown, args: Args) {
        const { limit, cursor, ...filter } = validated(runsQuery, args);
        return pageOf(await services.runs.list(filter, limit, cursor));
      },
      async prices(_parent: unknown, args: Args) {
        const { limit, cursor, ...filter } = validated(pricesQuery, {
          ...flattened(args.filter),
          limit: args.limit,
          cursor: args.cursor,
        });
        return pageOf(await services.prices.list(filter, limit, cursor));
      },
      compare: (_parent: unknown, args: Args) =>
        services.prices.compare(
          validated(compareQuery, { ...flattened(args.kind), provider: args.provider, limit: args.limit }),
        ),
      cheapest: (_parent: unknown, args: Args) =>
        services.prices.cheapest(validated(cheapestQuery, { ...flattened(args.kind), limit: args.limit })),
      async priceHistory(_parent: unknown, args: Args, context: GraphQLContext) {
        return (await context.loaders.history.load(validated(priceParams, args).id)) ?? null;
      },
      providers: () => services.prices.providers(),
      categories: () => serviceCategories,
      regions: (_parent: unknown, args: Args) =>
        services.prices
          .regions(validated(regionsQuery, args))
          .map(({ providers, ...region }) => ({ ...region, ...providers })),
    },
    Mutation: {
      async putDevice(_parent: unknown, args: Args, context: GraphQLContext) {
        const { id, input } = deviceChange(context, args, 'device', devicePut);
        return (await services.devices.put(id, input)).device;
      },
      async patchDevice(_parent: unknown, args: Args, context: GraphQLContext) {
        const { id, input } = deviceChange(context, args, 'patch', devicePatch);
        const changed = await services.devices.patch(id, input);
        if (!changed) throw new ApiProblem('not-found', `no device ${JSON.stringify(id)} in the registry`);
        return changed;
      },
    },
    Reading: { device: deviceOfReading },
    AggregateSeries: { device: deviceOfReading },
    Device: {
      tags: (device: Device) => Object.entries(device.tags).map(([key, value]) => ({ key, value })),
      async latest(device: Device, args: Args, context: GraphQLContext) {
        const metrics = args.metric as string[] | null | undefined;
        const readings = await context.loaders.latest.load(device.deviceId);
        return metrics ? readings.filter((reading) => metrics.includes(reading.metric)) : readings;
      },
      aggregates(device: Device, args: Args, context: GraphQLContext) {
        const request = Object.fromEntries(
          Object.entries(args)
            .filter(([, value]) => value !== null && value !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        );
        return context.loaders.aggregates.load(JSON.stringify([device.deviceId, JSON.stringify(request)]));
      },
    },
    Price: {
      history: async (price: Price, _args: Args, context: GraphQLContext) =>
        (await context.loaders.history.load(price.id)) ?? [],
      collectionRun: async (price: Price, _args: Args, context: GraphQLContext) =>
        (await context.loaders.run.load(price.collectionId)) ?? null,
    },
    CollectionRun: {
      filters: (run: { filters: unknown }) => JSON.stringify(run.filters),
    },
    RunProcessing: {
      notes: (processing: { notes: Record<string, number> }) =>
        Object.entries(processing.notes).map(([note, count]) => ({ note, count })),
    },
  };
}
