import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Component, Health } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { classifyError } from '../lib/errors.ts';
import { closeServer, listen } from '../lib/http-server.ts';
import { componentLogger } from '../lib/logger.ts';
import { componentMetrics } from '../lib/metrics.ts';
import { type Observed, opsRoutes } from '../lib/ops.ts';
import { type ApiSettings, apiSettings, apiUrl } from './config.ts';
import type { Overview } from './overview.ts';

const dashboardHtml = readFileSync(new URL('./dashboard.html', import.meta.url), 'utf8');

export interface ApiDependencies {
  /** The components running beside the API in this process, for /readyz. */
  components: () => Observed[];
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
    app.use(opsRoutes(this.deps.components));
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
    this.server = await listen(this.app(), this.settings, this.logger);
    this.metrics.health(1);
  }

  async stop(deadline: number): Promise<void> {
    if (this.server) await closeServer(this.server, deadline);
    this.metrics.health(0);
  }

  health(): Health {
    return this.server?.listening ? { state: 'ready' } : { state: 'down', reason: 'not listening' };
  }
}
