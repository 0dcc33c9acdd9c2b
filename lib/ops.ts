import type { Server } from 'node:http';
import express, { type Router } from 'express';
import { z } from 'zod';
import type { Component, Health, HealthState } from './component.ts';
import { defineSettings, listenPort, loadSettings, type SettingsOf, setting, str } from './config.ts';
import { listen, serverUrl } from './http-server.ts';
import type { Logger } from './logger.ts';
import { gatheredMetrics } from './metrics.ts';

export const opsSettings = defineSettings('operations endpoints', {
  host: setting(
    'OPS_HOST',
    str,
    '127.0.0.1',
    'Address of the /healthz, /readyz and /metrics endpoints of a `sluice run <component>` process (the image sets 0.0.0.0); `sluice up` serves them on the API.',
  ),
  port: setting(
    'OPS_PORT',
    listenPort,
    '0',
    'Port of those endpoints: 0 takes any free port and logs it (the image sets 9464, where probes and Prometheus look).',
  ),
  metricsToken: setting(
    'METRICS_TOKEN',
    z.string(),
    '',
    'When set, /metrics (on the API and the operations endpoints) answers only `Authorization: Bearer <token>`; /healthz and /readyz stay open for probes.',
  ),
});

export type OpsSettings = SettingsOf<typeof opsSettings>;

/** Readiness as Kubernetes means it: ready and degraded components take work, down ones do not. */
export function isReady(health: Health): boolean {
  return health.state !== 'down';
}

/** What the health endpoints read of a component. */
export type Observed = Pick<Component, 'name' | 'health'>;

export interface Readiness {
  ready: boolean;
  /** "name: reason" of every component that is not ready. */
  notReady: string[];
  components: { name: string; state: HealthState; reason?: string }[];
}

export function readiness(components: Observed[]): Readiness {
  const states = components.map((component) => ({ name: component.name, ...component.health() }));
  const notReady = states
    .filter((state) => !isReady(state))
    .map((state) => `${state.name}: ${state.reason ?? state.state}`);
  // a process whose components are not made yet cannot take work either
  return { ready: states.length > 0 && notReady.length === 0, notReady, components: states };
}

/**
 * Liveness and readiness as Kubernetes means them, and the metrics: `/healthz` answers while the
 * process's event loop does; `/readyz` is 503 while any component (or the one named by
 * `?component=`) cannot do its job, naming it and why; `/metrics` is Prometheus text.
 */
export function opsRoutes(
  components: () => Observed[],
  {
    metrics = true,
    settings = loadSettings(opsSettings),
  }: { metrics?: boolean; settings?: OpsSettings } = {},
): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', (req, res) => {
    const wanted = typeof req.query.component === 'string' ? req.query.component : undefined;
    const selected = components().filter((component) => !wanted || component.name === wanted);
    if (wanted && selected.length === 0) {
      res.status(404).json({ error: 'not_found', message: `no component ${wanted} in this process` });
      return;
    }
    const answer = readiness(selected);
    res.status(answer.ready ? 200 : 503).json(answer);
  });
  if (!metrics) return router;
  router.get('/metrics', async (req, res) => {
    if (settings.metricsToken && req.headers.authorization !== `Bearer ${settings.metricsToken}`) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthenticated' });
      return;
    }
    const registry = await gatheredMetrics();
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}

/** The operations endpoints of a `sluice run <component>` process (the platform's API serves them itself). */
export async function startOpsServer(
  components: () => Observed[],
  logger: Logger,
  settings: OpsSettings = loadSettings(opsSettings),
): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRoutes(components, { settings }));
  const server = await listen(app, { host: settings.host, port: settings.port }, logger);
  logger.info(
    { url: serverUrl(server, settings.host, settings.port) },
    'health and metrics at /healthz, /readyz, /metrics',
  );
  return server;
}
