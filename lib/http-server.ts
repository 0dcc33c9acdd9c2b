import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineSettings, loadSettings, positiveInt, type SettingsOf, setting } from './config.ts';
import { describeError } from './errors.ts';
import type { Logger } from './logger.ts';

export const httpServerSettings = defineSettings('http servers', {
  headersTimeoutMs: setting(
    'HTTP_HEADERS_TIMEOUT_MS',
    positiveInt,
    '10000',
    'A client must send its request headers within this time or its connection is closed (a client trickling bytes cannot hold a connection).',
  ),
  requestTimeoutMs: setting(
    'HTTP_REQUEST_TIMEOUT_MS',
    positiveInt,
    '60000',
    'A client must send its whole request within this time (readings from devices on slow links), or it is answered 408.',
  ),
  keepAliveTimeoutMs: setting(
    'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    positiveInt,
    '65000',
    'Idle keep-alive connections are closed after this; longer than the 60 s idle timeout of common load balancers.',
  ),
  maxConnections: setting(
    'HTTP_MAX_CONNECTIONS',
    positiveInt,
    '4096',
    'Connections one HTTP server holds at once; more are closed at once.',
  ),
});

export type HttpServerSettings = SettingsOf<typeof httpServerSettings>;

/**
 * The one way Sluice serves HTTP (the gateway, the API, the operations endpoints): header, request
 * and keep-alive timeouts checked every second, a connection limit, and errors after the start
 * logged instead of thrown (an 'error' event must never end the process).
 */
export async function listen(
  app: RequestListener,
  address: { host: string; port: number },
  logger: Logger,
  settings: HttpServerSettings = loadSettings(httpServerSettings),
): Promise<Server> {
  const server = createServer(
    {
      headersTimeout: Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs),
      requestTimeout: settings.requestTimeoutMs,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    app,
  );
  server.maxConnections = settings.maxConnections;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (err) => logger.warn({ err: describeError(err) }, 'HTTP server error'));
  return server;
}

/** The URL a listening server answers on (its real port when it was asked for port 0). */
export function serverUrl(server: Server | undefined, host: string, configuredPort: number): string {
  const address = server?.address() as AddressInfo | null | undefined;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? configuredPort}`;
}

/** Stops taking connections, lets requests in flight finish until the deadline, then closes the rest. */
export async function closeServer(server: Server, deadline: number): Promise<void> {
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    closed,
    new Promise((resolveLate) => {
      timer = setTimeout(resolveLate, Math.max(0, deadline - Date.now()));
    }),
  ]);
  clearTimeout(timer);
  server.closeAllConnections();
}
