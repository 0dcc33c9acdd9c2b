import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Component, Health } from './component.ts';
import { defineSettings, listenPort, loadSettings, type SettingsOf, setting, str } from './config.ts';
import { componentLogger } from './logger.ts';
import { metricsRegistry } from './metrics.ts';

export const opsSettings = defineSettings('operations endpoints', {
  host: setting(
    'OPS_HOST',
    str,
    '127.0.0.1',
    'Address of the /healthz, /readyz and /metrics endpoints of a `sluice run <component>` process (the image sets 0.0.0.0).',
  ),
  port: setting(
    'OPS_PORT',
    listenPort,
    '0',
    'Port of those endpoints: 0 takes any free port and logs it (the image sets 9464, where probes and Prometheus look).',
  ),
});

export type OpsSettings = SettingsOf<typeof opsSettings>;

export interface Readiness {
  ready: boolean;
  components: ({ name: string } & Health)[];
}

/** Ready when the process runs components and none of them is down; each says its state and why. */
export function readiness(components: readonly Component[]): Readiness {
  const states = components.map((c) => ({ name: c.name, ...c.health() }));
  return { ready: states.length > 0 && states.every((c) => c.state !== 'down'), components: states };
}

/**
 * Liveness, readiness and metrics of one process, on a port of their own so probes and
 * Prometheus reach every component the same way. Started before the components (liveness holds
 * while they connect), stopped after them.
 */
export class OpsServer {
  private server?: Server;
  private components: readonly Component[] = [];
  private readonly logger = componentLogger('ops');

  constructor(private readonly settings: OpsSettings = loadSettings(opsSettings)) {}

  /** The components /readyz reports on; until they are set the process is not ready. */
  watch(components: readonly Component[]): void {
    this.components = components;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.settings.port;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const reply = (status: number, type: string, body: string) =>
        res.writeHead(status, { 'content-type': type }).end(body);
      const path = req.url?.split('?')[0];
      if (req.method !== 'GET') reply(405, 'application/json', '{"error":"method_not_allowed"}');
      else if (path === '/healthz') reply(200, 'application/json', '{"status":"ok"}');
      else if (path === '/readyz') {
        const state = readiness(this.components);
        reply(state.ready ? 200 : 503, 'application/json', JSON.stringify(state));
      } else if (path === '/metrics') {
        metricsRegistry.metrics().then(
          (text) => reply(200, metricsRegistry.contentType, text),
          (err: Error) => reply(500, 'text/plain', err.message),
        );
      } else reply(404, 'application/json', '{"error":"not_found"}');
    });
    this.server = server;
    await new Promise<void>((listening, failed) => {
      server.once('error', failed);
      server.listen(this.settings.port, this.settings.host, () => {
        server.off('error', failed);
        listening();
      });
    });
    this.logger.info(
      { url: `http://${this.settings.host}:${this.port}` },
      'health and metrics at /healthz, /readyz, /metrics',
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((closed) => {
      server.close(() => closed());
      server.closeAllConnections();
    });
  }
}
