import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { requestLogging } from './middleware.ts';

describe('request logging', () => {
  it('logs requests by their outcome and leaves the probes out', async () => {
    const lines: { level: number; req?: { url: string }; res?: { statusCode: number } }[] = [];
    const logger = pino(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()));
          done();
        },
      }),
    );
    const app = express();
    app.use(requestLogging(logger));
    app.get('/readyz', (_req, res) => res.status(503).json({ ready: false }));
    app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
    app.get('/boom', (_req, res) => res.status(500).end());
    app.get('/fine', (_req, res) => res.json({}));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['/readyz', '/readyz?component=api', '/healthz', '/boom', '/fine', '/missing'])
        await (await fetch(`http://127.0.0.1:${port}${path}`)).arrayBuffer();
    } finally {
      server.close();
    }
    assert.deepEqual(
      lines.map((line) => [line.req?.url, line.res?.statusCode, pino.levels.labels[line.level]]),
      [
        ['/boom', 500, 'error'],
        ['/fine', 200, 'info'],
        ['/missing', 404, 'warn'],
      ],
    );
  });
});
