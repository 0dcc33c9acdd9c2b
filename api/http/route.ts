import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { type AnswerCache, type CachedAnswer, gzippedBody } from './answer-cache.ts';
import type { Principal, Role } from './auth.ts';
import { ApiProblem, invalidInput } from './problem.ts';

/**
 * A route is declared once: method, path, role, zod schemas of its parameters, body and answers,
 * and its handler. The same declaration validates requests (unknown parameters rejected),
 * optionally checks answers, and becomes the route's part of the OpenAPI document.
 */

export interface ResponseSpec {
  description: string;
  /** Schema of the JSON answer (application/json). */
  schema?: z.ZodType;
  /** Other media types the answer comes in (streamed exports), each with what a line or row holds. */
  media?: Record<string, { description: string; schema?: z.ZodType }>;
  /** Response headers worth documenting. */
  headers?: Record<string, { description: string; schema: z.ZodType }>;
}

/** How long clients may keep an answer: `settled` data does not change, the rest is revalidated by ETag. */
export type CachePolicy = 'settled' | 'revalidate' | 'no-store';

export interface JsonAnswer {
  status?: number;
  json: unknown;
  cache?: CachePolicy;
  headers?: Record<string, string>;
}

/** The handler wrote the answer itself (a stream). */
export interface StreamedAnswer {
  streamed: true;
}

export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  principal: Principal | undefined;
  request: Request;
  response: Response;
  log: Logger;
}

type Method = 'get' | 'put' | 'patch' | 'post';

export interface RouteSpec<
  Q extends z.ZodObject = z.ZodObject,
  P extends z.ZodObject = z.ZodObject,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI form: /api/v1/devices/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  role: Role | 'public';
  query?: Q;
  params?: P;
  body?: { schema: B; contentTypes: string[]; description: string };
  responses: Record<number, ResponseSpec>;
  /**
   * The version of the data the route reads, for data that changes but is read far more often
   * (current prices): its 200 answers are kept until the version moves; undefined while unknown.
   */
  dataVersion?: () => string | undefined;
  handle(input: RouteInput<z.output<Q>, z.output<P>, z.output<B>>): Promise<JsonAnswer | StreamedAnswer>;
}

/** Keeps each route's types while collecting routes of different shapes in one list. */
export function defineRoute<Q extends z.ZodObject, P extends z.ZodObject, B extends z.ZodType>(
  spec: RouteSpec<Q, P, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** Query values as the schema expects them: a parameter given once is a one-item list where a list is declared. */
function queryFor(schema: z.ZodObject, query: Record<string, unknown>): Record<string, unknown> {
  const normalized: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const declared = schema.shape[name] as z.ZodType | undefined;
    const isList = declared !== undefined && unwrapped(declared)._zod.def.type === 'array';
    normalized[name] = isList && typeof value === 'string' ? [value] : value;
  }
  return normalized;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, where);
  return result.data;
}

const noParameters = z.strictObject({});

function mediaType(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export interface RouteServices {
  /** Authenticates, checks the role and counts the request against its rate limit. */
  authorize: (role: Role) => RequestHandler;
  cacheControl: (policy: CachePolicy) => string;
  /** Settled answers, by route and parameters. */
  answers: AnswerCache;
  validateResponses: boolean;
  logger: Logger;
}

/** A JSON answer, gzipped for clients that accept it; 304 when the client's copy is current. */
function send(
  request: Request,
  response: Response,
  status: number,
  answer: CachedAnswer,
  cacheControl: string,
) {
  response
    .status(status)
    .type('application/json')
    .vary('Accept-Encoding')
    .set({ ...answer.headers, ETag: answer.etag, 'Cache-Control': cacheControl });
  if (status === 200 && request.fresh) {
    response.status(304).end();
    return;
  }
  const gzip = request.acceptsEncodings('gzip', 'identity') === 'gzip' ? gzippedBody(answer) : undefined;
  if (gzip) response.set('Content-Encoding', 'gzip').send(gzip);
  else response.send(answer.body);
}

/** A JSON answer made for a request, serialized. */
interface Produced {
  status: number;
  serialized: CachedAnswer;
  policy: CachePolicy;
}

/** The express handlers of one route: access control first, then validation and the handler. */
export function routeHandlers(route: RouteSpec, services: RouteServices): RequestHandler[] {
  const streams = Object.values(route.responses).some((spec) => spec.media);
  // an export of the same parameters is another answer: only JSON answers are kept
  const mediaTypes = [
    'application/json',
    ...Object.values(route.responses).flatMap((spec) => Object.keys(spec.media ?? {})),
  ];
  const producing = new Map<string, Promise<Produced | undefined>>();
  const handle = async (request: Request, response: Response, _next: NextFunction) => {
    if (!streams && !request.accepts('application/json')) {
      throw new ApiProblem('not-acceptable', 'this route answers application/json only');
    }
    const params = parse(route.params ?? noParameters, request.params, 'path parameter');
    const query = parse(
      route.query ?? noParameters,
      queryFor(route.query ?? noParameters, request.query as Record<string, unknown>),
      'query parameter',
    );
    // the parsed parameters name the answer: order and spelling of the query string do not matter;
    // the data's version is read before the query, so an answer is never kept under a newer one
    const version = route.dataVersion ? route.dataVersion() : '';
    const cacheKey =
      route.method === 'get' && version !== undefined && request.accepts(mediaTypes) === 'application/json'
        ? `${route.operationId} ${version} ${JSON.stringify([params, query])}`
        : undefined;
    const cached = cacheKey === undefined ? undefined : services.answers.get(cacheKey);
    if (cached) {
      send(
        request,
        response,
        200,
        cached,
        services.cacheControl(route.dataVersion ? 'revalidate' : 'settled'),
      );
      return;
    }
    const produce = async (): Promise<Produced | undefined> => {
      let body: unknown;
      if (route.body) {
        if (!route.body.contentTypes.includes(mediaType(request))) {
          throw new ApiProblem(
            'unsupported-media-type',
            `send the body as ${route.body.contentTypes.join(' or ')}`,
          );
        }
        body = parse(route.body.schema, request.body, 'body field');
      }
      const answer = await route.handle({
        query,
        params,
        body,
        principal: response.locals.principal as Principal | undefined,
        request,
        response,
        log: (request as Request & { log?: Logger }).log ?? services.logger,
      });
      if ('streamed' in answer) return undefined;
      const status = answer.status ?? 200;
      if (services.validateResponses) {
        const schema = route.responses[status]?.schema;
        const checked = schema?.safeParse(answer.json);
        if (!checked?.success) {
          throw new Error(
            `${route.operationId} answered ${status} with a body its documented schema refuses: ${checked ? z.prettifyError(checked.error) : 'no schema documented'}`,
          );
        }
      }
      const policy = answer.cache ?? 'revalidate';
      const serialized = services.answers.put(
        (policy === 'settled' || route.dataVersion) && status === 200 ? cacheKey : undefined,
        answer.json,
        answer.headers,
      );
      return { status, serialized, policy };
    };
    // when a version moves, the clients asking the same thing at that moment share one query
    // (only for versioned data, read from PostgreSQL: no client's leaving aborts it for the others)
    let produced: Produced | undefined;
    if (route.dataVersion && cacheKey !== undefined) {
      let pending = producing.get(cacheKey);
      if (!pending) {
        pending = produce().finally(() => producing.delete(cacheKey));
        producing.set(cacheKey, pending);
      }
      produced = await pending;
    } else produced = await produce();
    if (produced) {
      send(request, response, produced.status, produced.serialized, services.cacheControl(produced.policy));
    }
  };
  return route.role === 'public' ? [handle] : [services.authorize(route.role), handle];
}
