import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { pageAnswer } from '../http/pages.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import {
  aggregatesAnswer,
  aggregatesQuery,
  latestPage,
  latestQuery,
  reading,
  readingsPage,
  readingsQuery,
} from './schemas.ts';
import type { ExportFormat, TelemetryService } from './telemetry-service.ts';

const exportTypes: Record<string, ExportFormat> = {
  'application/x-ndjson': 'ndjson',
  'text/csv': 'csv',
};

const tags = ['telemetry'];

export function telemetryRoutes(telemetry: TelemetryService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/telemetry/readings',
      operationId: 'listReadings',
      summary: 'Readings by device, site, metric, time range and quality',
      description:
        '`Accept: application/json` (default) answers one page, ordered by device, metric, time and event id, with a `next` link. `Accept: application/x-ndjson` or `text/csv` streams every matching reading as it is read, in storage order (up to API_EXPORT_MAX_ROWS, or `limit`; a range of at most API_EXPORT_MAX_RANGE_DAYS).',
      tags,
      role: 'read',
      query: readingsQuery,
      responses: {
        200: {
          description: 'A page of readings, or the export stream.',
          schema: readingsPage,
          media: {
            'application/x-ndjson': { description: 'One Reading per line.', schema: reading },
            'text/csv': {
              description: 'A header line, then one reading per line (the Reading fields as columns).',
              schema: z.string(),
            },
          },
          headers: {
            Link: { description: 'The next page (rel="next"), as in page.next.', schema: z.string() },
            'X-Export-Max-Rows': {
              description: 'On exports: the most rows this stream holds.',
              schema: z.string(),
            },
          },
        },
      },
      async handle({ query, request, response }) {
        const { limit, cursor, ...filter } = query;
        const accepted = request.accepts(['application/json', ...Object.keys(exportTypes)]);
        if (!accepted) {
          throw new ApiProblem(
            'not-acceptable',
            'readings come as application/json, application/x-ndjson or text/csv',
          );
        }
        const format = exportTypes[accepted];
        const cache = telemetry.settled(filter) ? 'settled' : 'revalidate';
        if (!format) {
          return pageAnswer(request, await telemetry.readings(filter, limit, cursor), { cache });
        }
        const abort = new AbortController();
        response.once('close', () => abort.abort());
        const { stream, rows } = await telemetry.exportReadings(filter, format, abort.signal, limit, cursor);
        response.status(200).set({
          'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
          'Cache-Control': 'no-store',
          'X-Export-Max-Rows': String(rows),
          ...(format === 'csv' ? { 'Content-Disposition': 'attachment; filename="readings.csv"' } : {}),
        });
        response.flushHeaders();
        try {
          await pipeline(stream, response);
        } catch (err) {
          // the status is sent: an interrupted export can only be cut short, so the client sees it incomplete
          response.destroy(err as Error);
          if (!abort.signal.aborted) throw err;
        }
        return { streamed: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/telemetry/aggregates',
      operationId: 'getAggregates',
      summary: 'Count, min, max, avg and last per minute, hour or day, for several devices and metrics',
      description:
        'Read from the ClickHouse rollups. A request returns at most API_MAX_AGGREGATE_POINTS points (series × buckets); a bucket is included when it starts within [from, to).',
      tags,
      role: 'read',
      query: aggregatesQuery,
      responses: {
        200: { description: 'One series per device, metric and unit.', schema: aggregatesAnswer },
      },
      async handle({ query }) {
        return {
          json: await telemetry.aggregates(query),
          cache: telemetry.settled(query) ? 'settled' : 'revalidate',
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/telemetry/latest',
      operationId: 'listLatestReadings',
      summary: 'The latest reading of each device and metric',
      tags,
      role: 'read',
      query: latestQuery,
      responses: { 200: { description: 'One reading per device and metric.', schema: latestPage } },
      async handle({ query, request }) {
        const { limit, cursor, ...filter } = query;
        return pageAnswer(request, await telemetry.latest(filter, limit, cursor));
      },
    }),
  ];
}
