import type pg from 'pg';
import { z } from 'zod';
import {
  type RunResultColumns,
  runProcessingOf,
  runsWithProcessing,
} from '../../lib/db/collection-run-results.ts';
import { PgParams } from '../db/pg-params.ts';
import { pageAnswer } from '../http/pages.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import {
  cursorParameter,
  decodeCursor,
  isoTime,
  keysetPage,
  type Page,
  pageInfo,
  pageLimit,
  plainText,
} from '../schemas.ts';

/** Price collection runs (PostgreSQL `collection_runs`), newest first. */

export const runStatuses = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export const runProviders = ['aws', 'azure'] as const;

export const collectionRun = z
  .object({
    runId: z.string(),
    provider: z.enum(runProviders),
    status: z.enum(runStatuses),
    filters: z
      .record(z.string(), z.unknown())
      .meta({ description: 'What the run collected (provider filters).' }),
    pages: z.number().int(),
    items: z.number().int(),
    published: z.number().int(),
    failed: z.number().int().meta({ description: 'Pages that failed.' }),
    itemsPerSecond: z.number().nullable(),
    error: z.string().nullable(),
    processing: z
      .object({
        normalized: z.number().int(),
        deadLettered: z.number().int(),
        duplicates: z
          .number()
          .int()
          .meta({ description: 'Dropped as already normalized (a page sent again).' }),
        deadLetterReasons: z.array(
          z.object({ stage: z.string(), code: z.string(), count: z.number().int(), example: z.string() }),
        ),
        notes: z.record(z.string(), z.number().int()).meta({
          description: 'What normalized events were noted for, e.g. region_unmapped:aws:xx-mars-1.',
        }),
      })
      .nullable()
      .meta({
        description: 'What the pricing processor made of the run’s events so far; null before it reported.',
      }),
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    updatedAt: isoTime,
  })
  .meta({ id: 'CollectionRun' });

export type CollectionRun = z.infer<typeof collectionRun>;

export const runsQuery = z.strictObject({
  provider: z.enum(runProviders).optional(),
  status: z.enum(runStatuses).optional(),
  limit: pageLimit.optional(),
  cursor: cursorParameter.optional(),
});

interface RunRow extends RunResultColumns {
  run_id: string;
  provider: CollectionRun['provider'];
  status: CollectionRun['status'];
  filters: Record<string, unknown>;
  pages: string;
  items: string;
  published: string;
  failed: string;
  items_per_second: number | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  updated_at: Date;
}

function runOf(row: RunRow): CollectionRun {
  return {
    runId: row.run_id,
    provider: row.provider,
    status: row.status,
    filters: row.filters,
    pages: Number(row.pages),
    items: Number(row.items),
    published: Number(row.published),
    failed: Number(row.failed),
    itemsPerSecond: row.items_per_second,
    error: row.error,
    processing: runProcessingOf(row),
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Keyset of the newest-first order: start time (µs text, exact) and run id. */
const runCursor = z.tuple([z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), plainText(256)]);

export class RunsService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly pageSize: (limit: number | undefined) => number,
  ) {}

  async list(
    filter: { provider?: string; status?: string },
    limit?: number,
    cursor?: string,
  ): Promise<Page<CollectionRun>> {
    const size = this.pageSize(limit);
    const conditions: string[] = [];
    const params = new PgParams();
    const bind = (value: unknown) => params.bind(value);
    if (filter.provider) conditions.push(`r.provider = ${bind(filter.provider)}`);
    if (filter.status) conditions.push(`r.status = ${bind(filter.status)}`);
    if (cursor !== undefined) {
      const after = decodeCursor(cursor, runCursor);
      if (!after) throw new ApiProblem('invalid-request', 'the cursor is not one this API gave out');
      conditions.push(`(r.started_at, r.run_id) < (${bind(after[0])}::timestamptz, ${bind(after[1])})`);
    }
    const { rows } = await this.pool.query<RunRow & { started_key: string }>(
      `SELECT r.*, to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started_key
         FROM (${runsWithProcessing}) r ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY r.started_at DESC, r.run_id DESC LIMIT ${bind(size + 1)}`,
      params.values,
    );
    return keysetPage(rows, size, runOf, (last) => [last.started_key, last.run_id]);
  }

  async byIds(ids: readonly string[]): Promise<(CollectionRun | undefined)[]> {
    const { rows } = await this.pool.query<RunRow>(`${runsWithProcessing} WHERE r.run_id = ANY($1::text[])`, [
      ids,
    ]);
    const found = new Map(rows.map((row) => [row.run_id, runOf(row)]));
    return ids.map((id) => found.get(id));
  }
}

export function runRoutes(runs: RunsService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/pricing/runs',
      operationId: 'listCollectionRuns',
      summary: 'Price collection runs, newest first',
      tags: ['pricing runs'],
      role: 'read',
      query: runsQuery,
      responses: {
        200: {
          description: 'A page of runs.',
          schema: z
            .object({ data: z.array(collectionRun), page: pageInfo })
            .meta({ id: 'CollectionRunsPage' }),
        },
      },
      async handle({ query, request }) {
        const { limit, cursor, ...filter } = query;
        return pageAnswer(request, await runs.list(filter, limit, cursor));
      },
    }),
  ];
}
