import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { closeServer, listen } from './http-server.ts';
import { componentLogger } from './logger.ts';
import { type Observed, opsRoutes, readiness } from './ops.ts';

const components: Observed[] = [
  { name: 'api', health: () => ({ state: 'ready' }) },
  { name: 'telemetry-processor', health: () => ({ state: 'degraded', reason: 'device registry stale' }) },
  {
    name: 'http-gateway',
    health: () => ({ state: 'down', reason: 'Kafka unavailable: connect ECONNREFUSED' }),
  },
];

async function serve(token = '') {
  const app = express();
  app.use(opsRoutes(() => components, { settings: { host: '127.0.0.1', port: 0, metricsToken: token } }));
  const server = await listen(app, { host: '127.0.0.1', port: 0 }, componentLogger('ops-test'));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe('operations endpoints', () => {
  it('counts degraded as ready and down as not, naming each that is not and why', () => {
    const answer = readiness(components);
    assert.equal(answer.ready, false);
    assert.deepEqual(answer.notReady, ['http-gateway: Kafka unavailable: connect ECONNREFUSED']);
    assert.equal(readiness(components.slice(0, 2)).ready, true);
    assert.equal(readiness([]).ready, false, 'a process whose components are not made yet');
  });

  it('/readyz answers 503 while a component cannot do its job, /healthz while the process lives', async () => {
    const { server, url } = await serve();
    try {
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(await ready.text(), /http-gateway: Kafka unavailable/);
      assert.equal((await fetch(`${url}/readyz?component=api`)).status, 200);
      assert.equal((await fetch(`${url}/readyz?component=nothing`)).status, 404);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    } finally {
      await closeServer(server, Date.now() + 1000);
    }
  });

  it('/metrics answers only with the token when one is set', async () => {
    const { server, url } = await serve('s3cret');
    try {
      assert.equal((await fetch(`${url}/metrics`)).status, 401);
      const metrics = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /sluice_process_resident_memory_bytes/);
      assert.equal((await fetch(`${url}/readyz?component=api`)).status, 200, 'probes need no token');
    } finally {
      await closeServer(server, Date.now() + 1000);
    }
  });
});
