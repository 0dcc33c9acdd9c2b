import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { apiVersion } from './config.ts';
import { type ProblemKind, problemContentType, problemKinds, problemSchema } from './http/problem.ts';
import type { RouteSpec } from './http/route.ts';

/** The OpenAPI 3.1 document of the REST routes, generated from the schemas that validate them. */

function problemResponse(kind: ProblemKind, description?: string): ZodOpenApiResponseObject {
  const retryAfter =
    kind === 'rate-limited'
      ? {
          headers: {
            'Retry-After': {
              description: 'Seconds until the limit resets.',
              schema: { type: 'integer' as const },
            },
          },
        }
      : {};
  return {
    description: description ?? problemKinds[kind].title,
    ...retryAfter,
    content: { [problemContentType]: { schema: problemSchema } },
  };
}

function operation(route: RouteSpec): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const content: Record<string, { schema: z.ZodType; description?: string }> = {};
    if (spec.schema) content['application/json'] = { schema: spec.schema };
    for (const [type, media] of Object.entries(spec.media ?? {})) {
      content[type] = { schema: (media.schema ?? z.string()).meta({ description: media.description }) };
    }
    responses[status] = {
      description: spec.description,
      ...(spec.headers
        ? {
            headers: z.object(
              Object.fromEntries(
                Object.entries(spec.headers).map(([name, header]) => [
                  name,
                  header.schema.optional().meta({ description: header.description }),
                ]),
              ),
            ),
          }
        : {}),
      content,
    };
  }
  responses['400'] = problemResponse(
    'invalid-request',
    'Invalid input: an unknown or malformed parameter or body field.',
  );
  if (route.role !== 'public') {
    responses['401'] = problemResponse('unauthenticated');
    responses['403'] = problemResponse('forbidden');
    responses['429'] = problemResponse('rate-limited');
  }
  if (route.params) responses['404'] = problemResponse('not-found');
  if (Object.values(route.responses).some((spec) => spec.media))
    responses['406'] = problemResponse('not-acceptable');
  if (route.body) {
    responses['413'] = problemResponse('payload-too-large');
    responses['415'] = problemResponse('unsupported-media-type');
  }
  responses['500'] = problemResponse('internal');
  responses['503'] = problemResponse('unavailable');
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    security: route.role === 'public' ? [] : [{ apiKey: [] }, { bearerToken: [] }],
    'x-required-role': route.role,
    requestParams: {
      ...(route.query ? { query: route.query } : {}),
      ...(route.params ? { path: route.params } : {}),
    },
    ...(route.body
      ? {
          requestBody: {
            description: route.body.description,
            required: true,
            content: Object.fromEntries(
              route.body.contentTypes.map((type) => [type, { schema: route.body?.schema }]),
            ),
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(routes: RouteSpec[]) {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Sluice API',
        version: apiVersion,
        description:
          'Telemetry, device registry and cloud prices loaded by Sluice, from ClickHouse and PostgreSQL. Errors are RFC 9457 problems (application/problem+json). See docs/api.md.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/', description: 'This API server' }],
      tags: [
        { name: 'telemetry', description: 'Readings, aggregates and latest values (ClickHouse).' },
        { name: 'devices', description: 'The device registry enrichment reads (PostgreSQL).' },
        { name: 'prices', description: 'Cloud prices, comparisons and history (PostgreSQL).' },
        { name: 'pricing runs', description: 'Price collection runs (PostgreSQL).' },
        { name: 'operations', description: 'What the dashboard shows.' },
      ],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'X-API-Key',
            description:
              'An API key from `sluice apikey create --name NAME --roles read` (also accepted as `Authorization: Bearer sk_…`).',
          },
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A JWT (HS256 or RS256, with exp) whose roles claim holds read and/or admin.',
          },
        },
      },
      paths,
    },
    { reused: 'ref' },
  );
}
