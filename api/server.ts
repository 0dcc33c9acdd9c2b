import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import express from 'express';
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { createClickHouse } from '../lib/clickhouse.ts';
import type { Component, Health } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { describeError } from '../lib/errors.ts';
import { closeServer, listen } from '../lib/http-server.ts';
import { createKafka } from '../lib/kafka.ts';
import { componentLogger } from '../lib/logger.ts';
import { componentMetrics } from '../lib/metrics.ts';
import { type Observed, opsRoutes } from '../lib/ops.ts';
import { createPgPool } from '../lib/postgres.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { retry } from '../lib/retry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { allContracts } from '../schemas/catalog.ts';
import { asyncApiDocument } from './asyncapi.ts';
import { type ApiSettings, apiSettings, apiUrl } from './config.ts';
import { ClickHouseReader } from './db/clickhouse-reader.ts';
import { TableChanges } from './db/table-changes.ts';
import { DevicesService } from './devices/devices-service.ts';
import { deviceRoutes } from './devices/routes.ts';
import { graphqlRouter } from './graphql/graphql-router.ts';
import { AnswerCache } from './http/answer-cache.ts';
import { Authenticator } from './http/auth.ts';
import {
  authorization,
  cacheControl,
  corsPolicy,
  problemHandler,
  requestLogging,
} from './http/middleware.ts';
import { ApiProblem } from './http/problem.ts';
import { requestScope } from './http/request-scope.ts';
import { expressPath, type RouteSpec, routeHandlers } from './http/route.ts';
import { openApiDocument } from './openapi.ts';
import { noActions, type OperationsDependencies } from './operations/actions.ts';
import { collectionRoutes } from './operations/collections.ts';
import { DeadLetterIndex, deadLetterRoutes } from './operations/dead-letters.ts';
import { JobTracker, jobRoutes, reprocessRoute } from './operations/jobs.ts';
import { LineageService, lineageRoute } from './operations/lineage.ts';
import { PipelineStats, pipelineRoute } from './operations/pipeline.ts';
import { LiveStream, streamRoute } from './operations/stream.ts';
import { type Overview, overviewRoute } from './overview.ts';
import { PricesService } from './prices/prices-service.ts';
import { priceRoutes } from './prices/routes.ts';
import { RunsService, runRoutes } from './runs/runs.ts';
import { telemetryRoutes } from './telemetry/routes.ts';
import { TelemetryService } from './telemetry/telemetry-service.ts';

const page = (name: string) => readFileSync(new URL(`./pages/${name}`, import.meta.url), 'utf8');
const dashboardDir = new URL('./dashboard/', import.meta.url);

/** Where a browser package's files are, to serve them from the API (no CDN). */
function packageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

export interface ApiDependencies {
  /** The components running beside the API in this process, for /readyz. */
  components: () => Observed[];
  overview: () => Promise<Overview>;
  /** Default: a pool and a client of its own from the environment, closed at stop. */
  pool?: pg.Pool;
  clickhouse?: ClickHouseClient;
  /**
   * Operations over HTTP (collections, dead letters, reprocess, lineage, pipeline, live stream).
   * Default: Kafka from the environment, and no actions (starting one answers 503).
   */
  operations?: Omit<OperationsDependencies, 'serde'> & { serde?: AvroSerde };
}

/** The operations parts that connect at start and close at stop. */
interface Operations {
  admin: Admin;
  serde: AvroSerde;
  ownSerde: boolean;
  deadLetters: DeadLetterIndex;
  stream: LiveStream;
}

/** The services both front doors (REST and GraphQL) answer from. */
export interface ApiServices {
  telemetry: TelemetryService;
  devices: DevicesService;
  runs: RunsService;
  prices: PricesService;
}

/**
 * The HTTP face of Sluice: the REST API (OpenAPI at /api/openapi.json, rendered at /api/docs),
 * GraphQL at /graphql, the AsyncAPI document of the topics, health, metrics and the dashboard.
 */
export class ApiServer implements Component {
  readonly name = 'api';
  private server?: Server;
  private readonly logger = componentLogger('api');
  private readonly metrics = componentMetrics('api');
  readonly settings: ApiSettings;
  private readonly pool: pg.Pool;
  private readonly clickhouse: ClickHouseClient;
  private readonly owned: (() => Promise<void>)[] = [];
  private readonly stopping = new AbortController();
  private kafkaStarted?: Promise<void>;
  private kafkaState: Health = {
    state: 'degraded',
    reason: 'Kafka not reached yet: dead letters, lineage and pipeline stats wait for it',
  };
  readonly services: ApiServices;
  readonly routes: RouteSpec[];
  private readonly authenticator: Authenticator;
  private readonly operations: Operations;
  private readonly priceChanges: TableChanges;

  constructor(
    private readonly deps: ApiDependencies,
    settings: ApiSettings = loadSettings(apiSettings),
  ) {
    this.settings = settings;
    if (deps.pool) this.pool = deps.pool;
    else {
      this.pool = createPgPool(undefined, 'writer', { statement_timeout: settings.queryTimeoutMs });
      this.pool.on('error', (err) =>
        this.logger.warn({ err: err.message }, 'idle PostgreSQL connection lost'),
      );
      this.owned.push(() => this.pool.end());
    }
    if (deps.clickhouse) this.clickhouse = deps.clickhouse;
    else {
      this.clickhouse = createClickHouse();
      this.owned.push(() => this.clickhouse.close());
    }
    const reader = new ClickHouseReader(this.clickhouse, settings.queryTimeoutMs);
    const telemetry = new TelemetryService(reader, settings);
    const pageSize = (limit: number | undefined) => telemetry.pageSize(limit);
    this.priceChanges = new TableChanges(
      this.pool,
      'pricing_prices_changed',
      settings.currentAnswersMaxAgeSeconds * 1000,
      this.logger,
    );
    this.services = {
      telemetry,
      devices: new DevicesService(this.pool, pageSize),
      runs: new RunsService(this.pool, pageSize),
      prices: new PricesService(this.pool, pageSize),
    };
    const { kafka, actions } = deps.operations ?? { kafka: createKafka('api'), actions: noActions };
    const serde = deps.operations?.serde ?? new AvroSerde(createRegistryClient());
    const admin = kafka.admin();
    let stream: LiveStream | undefined;
    const deadLetters = new DeadLetterIndex(kafka, serde, settings.dlqBrowseEntries, this.logger, (entry) =>
      stream?.deadLetter(entry),
    );
    const jobs = new JobTracker(settings.jobsKept, this.logger, (job) => stream?.job(job));
    const stats = new PipelineStats(
      admin,
      this.pool,
      deps.components,
      deadLetters,
      settings.streamIntervalMs,
    );
    stream = new LiveStream(
      { stats, runs: this.services.runs, telemetry, pool: this.pool, logger: this.logger },
      settings.streamIntervalMs,
    );
    this.operations = { admin, serde, ownSerde: !deps.operations?.serde, deadLetters, stream };
    this.routes = [
      ...telemetryRoutes(telemetry),
      ...deviceRoutes(this.services.devices),
      ...priceRoutes(this.services.prices, () => this.priceChanges.version()),
      ...runRoutes(this.services.runs),
      overviewRoute(deps.overview),
      pipelineRoute(stats),
      lineageRoute(new LineageService(this.pool, reader, deadLetters)),
      ...deadLetterRoutes(deadLetters, actions, jobs, pageSize),
      reprocessRoute(actions, jobs),
      ...jobRoutes(jobs),
      ...collectionRoutes(this.services.runs, actions),
      streamRoute(stream),
    ];
    this.authenticator = new Authenticator(this.pool, settings);
  }

  /** The address it listens on (the real port when configured with 0). */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return apiUrl({ host: this.settings.host, port: address?.port ?? this.settings.port });
  }

  openApi() {
    return openApiDocument(this.routes);
  }

  app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', 'weak');
    app.use(requestLogging(this.logger));
    app.use(requestScope);
    const cors = corsPolicy(this.settings);
    if (cors) app.use(cors);

    app.use(opsRoutes(this.deps.components));
    app.get('/', (_req, res) => {
      res.sendFile('index.html', { root: dashboardDir.pathname });
    });
    app.use('/dashboard', express.static(dashboardDir.pathname, { index: false, maxAge: '1h' }));

    const openApi = JSON.stringify(this.openApi());
    const asyncApi = JSON.stringify(asyncApiDocument());
    app.get('/api/openapi.json', (_req, res) => {
      res.type('application/json').set('Cache-Control', 'no-cache').send(openApi);
    });
    app.get('/api/asyncapi.json', (_req, res) => {
      res.type('application/json').set('Cache-Control', 'no-cache').send(asyncApi);
    });
    const docsPage = page('api-docs.html');
    const docsScript = page('api-docs.js');
    app.get('/api/docs', (_req, res) => {
      res.type('html').send(docsPage);
    });
    app.get('/api/docs/init.js', (_req, res) => {
      res.type('js').send(docsScript);
    });
    app.use(
      '/api/docs/assets',
      express.static(packageDir('swagger-ui-dist'), { index: false, maxAge: '1d' }),
    );

    const body = express.json({
      limit: this.settings.maxBodyBytes,
      type: ['application/json', 'application/merge-patch+json'],
    });
    const services = {
      authorize: authorization(this.authenticator, this.settings),
      cacheControl: cacheControl(this.settings),
      answers: new AnswerCache(
        this.settings.answerCacheMb * 2 ** 20,
        this.settings.cacheMaxAgeSeconds * 1000,
      ),
      validateResponses: this.settings.validateResponses,
      logger: this.logger,
    };
    for (const route of this.routes) {
      const handlers = routeHandlers(route, services);
      app[route.method](expressPath(route.path), ...(route.body ? [body, ...handlers] : handlers));
    }

    app.use(
      '/graphql',
      graphqlRouter({
        services: this.services,
        settings: this.settings,
        authorize: services.authorize,
        body,
        page: page('graphiql.html'),
        script: page('graphiql.js'),
        assets: {
          'graphiql.min.js': join(packageDir('graphiql'), 'graphiql.min.js'),
          'graphiql.min.css': join(packageDir('graphiql'), 'graphiql.min.css'),
          'react.production.min.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
          'react-dom.production.min.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
        },
      }),
    );

    app.use((req, _res, next) => {
      next(
        new ApiProblem(
          'not-found',
          `no route ${req.method} ${req.path}; the routes are in /api/openapi.json`,
        ),
      );
    });
    app.use(problemHandler((error) => this.metrics.error('http', error.code, error.disposition)));
    return app;
  }

  async start(): Promise<void> {
    await this.authenticator.start();
    await this.priceChanges.start();
    this.server = await listen(this.app(), this.settings, this.logger);
    this.kafkaStarted = this.startKafkaParts();
    this.metrics.health(1);
  }

  /**
   * The registry, the Kafka admin and the dead-letter index, retried in the background: the data
   * routes answer from the databases whether or not Kafka is up.
   */
  private async startKafkaParts(): Promise<void> {
    const { admin, serde, ownSerde, deadLetters } = this.operations;
    try {
      await retry(
        async () => {
          if (ownSerde) await serde.registerAll(allContracts);
          await admin.connect();
          await deadLetters.start();
        },
        {
          retries: Number.POSITIVE_INFINITY,
          initialDelayMs: 500,
          maxDelayMs: 15_000,
          signal: this.stopping.signal,
          onRetry: (error, attempt, delayMs) =>
            this.logger.warn(
              { err: describeError(error), attempt, delayMs },
              'Kafka or the schema registry not reached: dead letters, lineage and pipeline stats wait',
            ),
        },
      );
      if (this.stopping.signal.aborted) await this.stopKafkaParts();
      else this.kafkaState = { state: 'ready' };
    } catch (err) {
      if (this.stopping.signal.aborted) return;
      this.kafkaState = { state: 'degraded', reason: `operations unavailable: ${describeError(err)}` };
      this.logger.error({ err: describeError(err) }, 'dead letters, lineage and pipeline stats unavailable');
    }
  }

  async stop(deadline = Date.now() + 10_000): Promise<void> {
    this.stopping.abort();
    this.operations.stream.close();
    // an export still streaming at the deadline is cut off
    if (this.server) await closeServer(this.server, deadline);
    // a connection still being tried is not waited for: startKafkaParts closes what it opens late
    await Promise.race([this.kafkaStarted, sleep(Math.min(1000, Math.max(0, deadline - Date.now())))]);
    if (this.kafkaState.state === 'ready') await this.stopKafkaParts();
    await this.priceChanges.stop();
    for (const close of this.owned) await close();
    this.metrics.health(0);
  }

  private async stopKafkaParts(): Promise<void> {
    await this.operations.deadLetters.stop();
    await this.operations.admin.disconnect();
  }

  health(): Health {
    return this.server?.listening ? this.kafkaState : { state: 'down', reason: 'not listening' };
  }
}
