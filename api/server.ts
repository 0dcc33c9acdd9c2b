import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Component, Health } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { classifyError } from '../lib/errors.ts';
import { componentLogger } from '../lib/logger.ts';
import { componentMetrics, metricsRegistry } from '../lib/metrics.ts';
import { readiness } from '../lib/ops-server.ts';
import { type ApiSettings, apiSettings, apiUrl } from './config.ts';
import type { Overview } from './overview.ts';

const dashboardHtml = readFileSync(new URL('./dashboard.html', import.meta.url), 'utf8');

export interface ApiDependencies {
  /** The components running beside the API in this process, for /readyz. */
  components: () => Component[];
  overview: () => Promise<Overview>;
}

/** The HTTP face of Sluice: health, metrics, the overview the dashboard polls, and the dashboard. */
export class ApiServer implements Component {
  readonly name = 'api';
  private server?: Server;
  private readonly logger = componentLogger('api');
  private readonly metrics = componentMetrics('api');
  readonly settings: ApiSettings;

  constructor(
    private readonly deps: ApiDependencies,
    settings: ApiSettings = loadSettings(apiSettings),
  ) {
    this.settings = settings;
  }

  get url(): string {
    return apiUrl(this.settings);
  }

  app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', (_req, res) => {
      const state = readiness(this.deps.components());
      res.status(state.ready ? 200 : 503).json(state);
    });
    app.get('/metrics', async (_req, res) => {
      res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
    });
    app.get('/api/v1/overview', async (_req, res) => {
      res.json(await this.deps.overview());
    });
    app.get('/', (_req, res) => {
      res.type('html').send(dashboardHtml);
    });
    app.use((_req, res) => {
      res.status(404).json({ error: 'not_found', message: 'no such route' });
    });
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      const error = classifyError(err);
      this.metrics.error('http', error.code, error.disposition);
      this.logger.error({ err: error.message, path: req.path }, 'request failed');
      res.status(error.retriable ? 503 : 500).json({ error: error.code, message: error.message });
    });
    return app;
  }

  async start(): Promise<void> {
    const app = this.app();
    await new Promise<void>((resolveListen, reject) => {
      this.server = app.listen(this.settings.port, this.settings.host, (err?: Error) =>
        err ? reject(err) : resolveListen(),
      );
    });
    this.metrics.health(1);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolveClose) => {
      server.close(() => resolveClose());
      server.closeIdleConnections();
    });
    this.metrics.health(0);
  }

  health(): Health {
    return this.server?.listening ? { state: 'ready' } : { state: 'down', reason: 'not listening' };
  }
}
