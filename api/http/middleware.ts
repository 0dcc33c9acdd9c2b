import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Histogram } from 'prom-client';
import { classifyError } from '../../lib/errors.ts';
import { metricsRegistry } from '../../lib/metrics.ts';
import type { ApiSettings } from '../config.ts';
import { type Authenticator, type Principal, type Role, requireRole } from './auth.ts';
import { ApiProblem, problemContentType } from './problem.ts';
import type { CachePolicy } from './route.ts';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Probes are not logged: an orchestrator asks every few seconds, and a 503 from /readyz while the
 * platform starts is an answer, not a failed request (it read as an error in `npm start`'s summary).
 */
const probePaths = new Set(['/healthz', '/readyz']);

const requestDuration = new Histogram({
  name: 'sluice_api_request_duration_seconds',
  help: 'API requests by route and status, from arrival to the last byte.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
  registers: [metricsRegistry],
});

/**
 * Request ids and access logs (probes left out): an incoming X-Request-Id is kept when well
 * formed, else one is made; it is sent back in X-Request-Id, logged with the request and put in
 * problem bodies.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const logging = pinoHttp({
    logger,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const given = request.headers['x-request-id'];
      const id = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
      response.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (request) => probePaths.has((request.url ?? '').split('?')[0] as string) },
    customLogLevel: (_request, response, err) =>
      err || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
  });
  return (request, response, next) => {
    const stop = requestDuration.startTimer({ method: request.method });
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ route: `${request.baseUrl}${route}`, status: String(response.statusCode) });
    });
    logging(request, response, next);
  };
}

/** CORS as configured: none (the default), any origin, or a list. */
export function corsPolicy(settings: Pick<ApiSettings, 'corsOrigins'>): RequestHandler | undefined {
  const origins = settings.corsOrigins
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) return undefined;
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'PUT', 'PATCH', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'If-None-Match', 'X-Request-Id'],
    exposedHeaders: [
      'X-Request-Id',
      'ETag',
      'Link',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'X-Export-Max-Rows',
    ],
    maxAge: 600,
  });
}

export function cacheControl(settings: Pick<ApiSettings, 'cacheMaxAgeSeconds'>) {
  return (policy: CachePolicy): string => {
    if (policy === 'settled') return `private, max-age=${settings.cacheMaxAgeSeconds}, immutable`;
    if (policy === 'no-store') return 'no-store';
    return 'private, no-cache';
  };
}

/**
 * Authentication, role and rate limit in one middleware: each principal (API key or token
 * subject) has its own budget per minute; past it the answer is 429 with Retry-After.
 */
export function authorization(
  authenticator: Authenticator,
  settings: Pick<ApiSettings, 'rateLimitPerMinute'>,
): (role: Role) => RequestHandler {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: settings.rateLimitPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_request, response) => (response.locals.principal as Principal).subject,
    handler: (_request, response, next) => {
      next(
        new ApiProblem(
          'rate-limited',
          `at most ${settings.rateLimitPerMinute} requests a minute per API key or token; retry after ${response.getHeader('Retry-After')} s`,
        ),
      );
    },
  });
  return (role) => async (request, response, next) => {
    response.locals.principal = requireRole(await authenticator.authenticate(request.headers), role);
    await limiter(request, response, next);
  };
}

/** Errors body-parser raises, as problems. */
function bodyProblem(err: { type?: unknown; message?: string }): ApiProblem | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new ApiProblem('payload-too-large', 'the request body is larger than API_MAX_BODY_BYTES');
    case 'entity.parse.failed':
      return new ApiProblem('invalid-request', `the body is not valid JSON: ${err.message}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiProblem('unsupported-media-type', err.message ?? 'unsupported body encoding');
    default:
      return undefined;
  }
}

/** Every error as problem+json; database trouble is 503 with Retry-After, anything unexpected 500. */
export function problemHandler(
  onError: (error: ReturnType<typeof classifyError>) => void,
): ErrorRequestHandler {
  return (err, request, response, _next) => {
    // the client left: nobody to answer, and its cancelled query is not a fault
    if (response.destroyed) return;
    let problem = err instanceof ApiProblem ? err : bodyProblem(err as { type?: unknown });
    if (!problem) {
      const error = classifyError(err);
      onError(error);
      (response as { err?: unknown }).err = error;
      problem = error.retriable
        ? new ApiProblem('unavailable', `${error.message}; retry shortly`, {
            headers: { 'Retry-After': '5' },
          })
        : new ApiProblem('internal', `the server failed (request ${String(request.id)}); the logs say why`);
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response
      .status(problem.status)
      .set({ ...problem.extras.headers, 'Cache-Control': 'no-store' })
      .type(problemContentType)
      .send(JSON.stringify(problem.body(request.path, String(request.id))));
  };
}
