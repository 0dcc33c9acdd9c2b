import { z } from 'zod';
import { pageAnswer } from '../http/pages.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import { collectionRun, type RunsService, runsQuery } from '../runs/runs.ts';
import { pageInfo, plainText } from '../schemas.ts';
import { asked, type PipelineActions } from './actions.ts';

/**
 * Price collections over HTTP: the same runs `sluice collect` records (PostgreSQL
 * collection_runs), started, cancelled and resumed through the platform's actions.
 */

const filterText = plainText(512).min(1);

/** The filters of `sluice collect azure` and `sluice collect aws`, by provider. */
export const collectionStart = z
  .discriminatedUnion('provider', [
    z.strictObject({
      provider: z.literal('azure'),
      filters: z
        .strictObject({
          serviceName: filterText
            .optional()
            .meta({ description: 'Comma-separated names are collected as parallel streams.' }),
          armRegionName: filterText.optional(),
          priceType: z.enum(['Consumption', 'Reservation', 'DevTestConsumption']).optional(),
          currencyCode: z
            .string()
            .regex(/^[A-Z]{3}$/, 'a currency code such as EUR')
            .optional(),
        })
        .default({}),
      runId: plainText(128).optional(),
    }),
    z.strictObject({
      provider: z.literal('aws'),
      filters: z
        .strictObject({
          source: z.enum(['bulk', 'query']).default('bulk'),
          serviceCode: filterText
            .optional()
            .meta({ description: 'Comma-separated service codes, e.g. AmazonEC2,AmazonS3.' }),
          regionCode: filterText.optional().meta({ description: 'Comma-separated region codes.' }),
        })
        .default({ source: 'bulk' }),
      runId: plainText(128).optional(),
    }),
  ])
  .meta({ id: 'CollectionStart' });

const runId = z.strictObject({ runId: plainText(128) });

const acceptedRun = z
  .object({ runId: z.string(), url: z.string().meta({ description: 'Where the run’s state is.' }) })
  .meta({ id: 'AcceptedCollection' });

const runUrl = (id: string) => `/api/v1/collections/${encodeURIComponent(id)}`;

function accepted(id: string) {
  return {
    status: 202,
    json: { runId: id, url: runUrl(id) },
    headers: { Location: runUrl(id) },
    cache: 'no-store' as const,
  };
}

export function collectionRoutes(runs: RunsService, actions: PipelineActions): RouteSpec[] {
  const one = async (id: string) => {
    const [run] = await runs.byIds([id]);
    if (!run) throw new ApiProblem('not-found', `no collection run ${id}`);
    return run;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/collections',
      operationId: 'listCollections',
      summary: 'Collection runs, newest first, with progress and what the processor made of them',
      tags: ['collections'],
      role: 'read',
      query: runsQuery,
      responses: {
        200: {
          description: 'A page of runs.',
          schema: z.object({ data: z.array(collectionRun), page: pageInfo }).meta({ id: 'CollectionsPage' }),
        },
      },
      async handle({ query, request }) {
        const { limit, cursor, ...filter } = query;
        return pageAnswer(request, await runs.list(filter, limit, cursor), { cache: 'no-store' });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/collections',
      operationId: 'startCollection',
      summary: 'Start an Azure or AWS price collection',
      description:
        'Answers 202 once the run is recorded; follow its URL until its status is no longer running.',
      tags: ['collections'],
      role: 'admin',
      body: {
        schema: collectionStart,
        contentTypes: ['application/json'],
        description: 'Provider, filters, optionally the run id.',
      },
      responses: { 202: { description: 'The run started.', schema: acceptedRun } },
      async handle({ body }) {
        const filters = Object.fromEntries(
          Object.entries(body.filters).filter((entry): entry is [string, string] => entry[1] !== undefined),
        );
        return accepted(
          await asked(actions.startCollection({ provider: body.provider, filters, runId: body.runId })),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/collections/{runId}',
      operationId: 'getCollection',
      summary: 'One collection run',
      tags: ['collections'],
      role: 'read',
      params: runId,
      responses: { 200: { description: 'The run.', schema: collectionRun } },
      async handle({ params }) {
        return { json: await one(params.runId), cache: 'no-store' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/collections/{runId}/cancel',
      operationId: 'cancelCollection',
      summary: 'Cancel a running collection (its collector stops within seconds, wherever it runs)',
      tags: ['collections'],
      role: 'admin',
      params: runId,
      body: {
        schema: z.strictObject({ reason: plainText(500).default('cancelled over the API') }),
        contentTypes: ['application/json'],
        description: 'Why (recorded on the run).',
      },
      responses: { 200: { description: 'The run, cancelled.', schema: collectionRun } },
      async handle({ params, body }) {
        await one(params.runId);
        await asked(actions.cancelCollection(params.runId, body.reason));
        return { json: await one(params.runId), cache: 'no-store' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/collections/{runId}/resume',
      operationId: 'resumeCollection',
      summary: 'Continue a killed, failed or cancelled run from its last acknowledged page',
      tags: ['collections'],
      role: 'admin',
      params: runId,
      responses: { 202: { description: 'The run continues.', schema: acceptedRun } },
      async handle({ params }) {
        const run = await one(params.runId);
        if (run.status === 'running') {
          throw new ApiProblem(
            'invalid-request',
            `run ${params.runId} is running; cancel it first or wait for it`,
          );
        }
        await asked(actions.resumeCollection(params.runId));
        return accepted(params.runId);
      },
    }),
  ];
}
