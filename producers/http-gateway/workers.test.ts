import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { projectRoot } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { testApiKey, uniqueSuffix, waitFor } from '../../test/support.ts';
import { rawTopicEnd, readRawReadings } from '../testing.ts';

/**
 * `sluice run gateway` with HTTP_GATEWAY_WORKERS=2: two processes share the port
 * (Node cluster), every accepted reading reaches Kafka whichever worker took it, and SIGTERM to
 * the primary stops both workers gracefully.
 */
const port = 31841;
const url = `http://127.0.0.1:${port}`;
const kafka = createKafka('test-gateway-workers');
const pool = createPgPool();
const run = uniqueSuffix();
let serde: AvroSerde;
let key: Awaited<ReturnType<typeof testApiKey>>;
let gateway: ChildProcess | undefined;

/** Pids of the direct children of `pid` (the cluster's workers), from /proc. */
function childrenOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return children === '' ? [] : children.split(' ').map(Number);
}

describe('HTTP gateway in two worker processes', { timeout: 120_000 }, () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    key = await testApiKey(pool, ['ingest']);
  });

  after(async () => {
    if (gateway?.exitCode === null) gateway.kill('SIGKILL');
    await key?.revoke();
    await pool.end();
  });

  it('serves the port from both workers, lands every reading, and stops on SIGTERM', async () => {
    const from = await rawTopicEnd(kafka);
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), 'run', 'gateway'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        HTTP_GATEWAY_PORT: String(port),
        HTTP_GATEWAY_WORKERS: '2',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    gateway = child;
    const exited = once(child, 'exit');
    await waitFor('the gateway to answer /healthz', () =>
      fetch(`${url}/healthz`).then(
        (response) => response.ok,
        () => false,
      ),
    );
    assert.equal(childrenOf(child.pid as number).length, 2, 'two worker processes');

    // separate connections, so the primary hands them to both workers
    const devices = Array.from({ length: 20 }, (_, i) => `${run}-device-${i}`);
    const answers = await Promise.all(
      devices.map((deviceId) =>
        fetch(`${url}/v1/ingest/telemetry`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key.key, connection: 'close' },
          body: JSON.stringify(
            Array.from({ length: 5 }, (_, n) => ({
              deviceId,
              metric: 'temperature',
              value: n,
              ts: 1_763_709_330_000 + n,
            })),
          ),
        }),
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      devices.map(() => 202),
    );
    const readings = await readRawReadings(kafka, serde, from, (r) => r.deviceId.startsWith(`${run}-`), {
      count: 100,
    });
    assert.equal(readings.length, 100);
    assert.equal(new Set(readings.map((r) => r.eventId)).size, 100);

    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, 'a graceful stop of both workers');
  });
});
