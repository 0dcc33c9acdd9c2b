import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { loadSettings, projectRoot } from '../lib/config.ts';
import { closeServer, httpServerSettings, listen } from '../lib/http-server.ts';
import { componentLogger } from '../lib/logger.ts';
import { createMqttClient, mqttSettings } from '../lib/mqtt.ts';
import { createPgPool, postgresSettings } from '../lib/postgres.ts';
import { uniqueSuffix } from './support.ts';

/**
 * No library 'error' event may end a process: every pool, client, socket and server is made by a
 * factory that handles its errors. The audit reads the source for clients made anywhere else; the
 * factories are then shown to survive what kills processes (a database dropping live connections,
 * a client trickling bytes).
 */

/** The factories, and the few short-lived probes that attach their own handler. */
const allowed = new Map([
  ['lib/postgres.ts', 'the PostgreSQL pool factory'],
  ['lib/clickhouse.ts', 'the ClickHouse client factory (HTTP: errors reach the caller)'],
  ['lib/mqtt.ts', 'the MQTT client factory'],
  ['lib/http-server.ts', 'the HTTP server factory'],
  ['cli/stack/postgres.ts', "the stack's one-query superuser sessions (client.on('error'))"],
  ['cli/stack/service.ts', "the stack's port probe (socket.once('error'))"],
  ['cli/stack/zookeeper.ts', "the stack's four-letter-word probe (socket.once('error'))"],
  ['cli/stack/mosquitto.ts', "the stack's probe: connectAsync rejects, and the client ends at once"],
]);

/** Ways of making a client, socket or server whose 'error' event would end the process unhandled. */
const constructions = [
  /new pg\.(Pool|Client)\(/,
  /\bcreateClient\(\{/,
  /\bmqtt\.connect(Async)?\(/,
  /\bcreateServer\(/,
  /\.listen\(\s*(this\.)?settings|\bapp\.listen\(/,
  /\b(net\.)?createConnection\(/,
];

const productFolders = ['lib', 'cli', 'producers', 'processors', 'sinks', 'api', 'schemas'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.endsWith('testing.ts')
      ? [path]
      : [];
  });
}

describe('error handlers on every pool, client, socket and server', () => {
  it('product code makes them only through the factories that handle their errors', () => {
    const offenders: string[] = [];
    for (const folder of productFolders) {
      for (const file of sourceFiles(join(projectRoot, folder))) {
        const path = relative(projectRoot, file);
        if (allowed.has(path)) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (!line.trim().startsWith('//') && constructions.some((pattern) => pattern.test(line)))
              offenders.push(`${path}:${index + 1}: ${line.trim()}`);
          });
      }
    }
    assert.deepEqual(offenders, [], 'make these through lib/postgres.ts, lib/mqtt.ts or lib/http-server.ts');
  });

  it('a PostgreSQL pool survives its connections dying, idle and checked out', async () => {
    const settings = loadSettings(postgresSettings);
    const application = `audit-${uniqueSuffix()}`;
    const url = new URL(settings.url);
    url.searchParams.set('application_name', application);
    const pool = createPgPool({ ...settings, url: url.toString() });
    const killer = createPgPool();
    try {
      const held = await pool.connect();
      const idle = await Promise.all([pool.connect(), pool.connect()]);
      for (const client of idle) client.release();
      // the server drops every connection of this pool (as a restart or a crash does)
      const { rowCount } = await killer.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [application],
      );
      assert.ok((rowCount ?? 0) >= 2, `terminated ${rowCount} connections`);
      await sleep(500);
      held.release(true);
      // alive, and the pool makes new connections
      const { rows } = await pool.query<{ ok: number }>('SELECT 1 AS ok');
      assert.equal(rows[0]?.ok, 1);
    } finally {
      await pool.end();
      await killer.end();
    }
  });

  it('a connection refused names the setting, the password masked', async () => {
    const settings = loadSettings(postgresSettings);
    const url = new URL(settings.url);
    url.port = '1';
    const pool = createPgPool({ ...settings, url: url.toString() });
    try {
      await assert.rejects(pool.query('SELECT 1'), (err: Error) => {
        assert.match(
          err.message,
          /^DATABASE_URL: .*ECONNREFUSED.*\(tried postgres:\/\/sluice_writer:\*\*\*@/,
        );
        return true;
      });
    } finally {
      await pool.end();
    }
  });

  it('an MQTT client handles its error events', async () => {
    const { client, connected } = createMqttClient(
      loadSettings(mqttSettings).url,
      { clientId: `audit-${uniqueSuffix()}`, reconnectPeriod: 0 },
      componentLogger('audit'),
    );
    await connected;
    assert.ok(client.listenerCount('error') > 0);
    client.emit('error', new Error('a protocol error the broker reported'));
    await client.endAsync();
  });

  it('an HTTP server closes connections that trickle their headers, and survives them', async () => {
    const settings = { ...loadSettings(httpServerSettings), headersTimeoutMs: 1000, requestTimeoutMs: 2000 };
    const app = express();
    app.get('/', (_req, res) => void res.send('ok'));
    const server = await listen(app, { host: '127.0.0.1', port: 0 }, componentLogger('audit'), settings);
    const { port } = server.address() as { port: number };
    const closedAfter: number[] = [];
    const started = Date.now();
    const sockets = Array.from({ length: 50 }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => closedAfter.push(Date.now() - started));
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
      return socket;
    });
    // a byte every 300 ms: never an idle socket, never a whole request
    const trickle = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write('X');
    }, 300);
    for (let waited = 0; waited < 10_000 && closedAfter.length < sockets.length; waited += 100)
      await sleep(100);
    clearInterval(trickle);
    assert.equal(closedAfter.length, sockets.length, 'slow connections kept open');
    assert.ok(Math.max(...closedAfter) < 5000, `closed only after ${Math.max(...closedAfter)} ms`);
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await answer.text(), 'ok');
    await closeServer(server, Date.now() + 1000);
  });
});
