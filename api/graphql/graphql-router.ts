import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/express';
import type { Logger } from 'pino';
import { classifyError } from '../../lib/errors.ts';
import type { ApiSettings } from '../config.ts';
import type { Principal, Role } from '../http/auth.ts';
import { ApiProblem } from '../http/problem.ts';
import type { ApiServices } from '../server.ts';
import { limitRules } from './limits.ts';
import { createLoaders, createResolvers, type GraphQLContext } from './resolvers.ts';

const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

export function graphqlSchema(services: ApiServices) {
  return makeExecutableSchema({ typeDefs, resolvers: createResolvers(services) });
}

/** Errors a resolver threw, as clients should see them: problems with their kind, the rest without internals. */
function clientError(error: GraphQLError, request: Request, log: Logger): GraphQLError {
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) return error;
  const at = { nodes: error.nodes, path: error.path };
  if (original instanceof ApiProblem) {
    return new GraphQLError(original.message, {
      ...at,
      extensions: {
        code: original.kind,
        status: original.status,
        ...(original.extras.invalidParams ? { invalidParams: original.extras.invalidParams } : {}),
      },
    });
  }
  const classified = classifyError(original);
  log.error({ err: classified.message, path: error.path }, 'GraphQL resolver failed');
  return new GraphQLError(
    classified.retriable
      ? `a database the answer needs is unavailable; retry shortly (request ${String(request.id)})`
      : `the server failed (request ${String(request.id)}); the logs say why`,
    { ...at, extensions: { code: classified.retriable ? 'unavailable' : 'internal' } },
  );
}

export interface GraphQLRouterOptions {
  services: ApiServices;
  settings: ApiSettings;
  authorize: (role: Role) => RequestHandler;
  body: RequestHandler;
  /** GraphiQL's page and start script, and the browser files it loads (served here: no CDN). */
  page: string;
  script: string;
  assets: Record<string, string>;
}

/** POST (and GET) /graphql for clients with the read role; GET from a browser gives GraphiQL. */
export function graphqlRouter(options: GraphQLRouterOptions): express.Router {
  const { services, settings } = options;
  const handler = createHandler<GraphQLContext>({
    schema: graphqlSchema(services),
    context: (request) => ({
      principal: (request.context as { res: Response }).res.locals.principal as Principal,
      loaders: createLoaders(services),
    }),
    validationRules: (_request, args, specifiedRules) => [
      ...specifiedRules,
      ...limitRules(
        settings,
        (args.variableValues as Record<string, unknown> | null | undefined) ?? undefined,
      ),
    ],
    onOperation: (request, _args, result) => {
      const { errors } = result as ExecutionResult;
      if (!errors) return;
      const raw = request.raw as Request & { log: Logger };
      return {
        ...result,
        errors: errors.map((error) => clientError(error, raw, raw.log)),
      } as ExecutionResult;
    },
  });

  const router = express.Router();
  router.get('/', (request, response, next) => {
    const wanted = request.accepts(['application/graphql-response+json', 'application/json', 'text/html']);
    if (wanted === 'text/html') response.type('html').set('Cache-Control', 'no-cache').send(options.page);
    else next();
  });
  router.get('/init.js', (_request, response) => {
    response.type('js').set('Cache-Control', 'no-cache').send(options.script);
  });
  router.get('/assets/:name', (request, response, next) => {
    const file = options.assets[String(request.params.name)];
    if (file) response.sendFile(file, { maxAge: '1d' });
    else next();
  });
  router.all('/', options.authorize('read'), options.body, (request, response, next) =>
    handler(request, response, next),
  );
  return router;
}
