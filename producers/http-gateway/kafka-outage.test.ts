import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings, projectRoot } from '../../lib/config.ts';
import { createKafka, kafkaSettings } from '../../lib/kafka.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { testApiKey, uniqueSuffix } from '../../test/support.ts';
import { httpGatewaySettings } from './config.ts';
import { HttpGateway, type IngestAnswer } from './http-gateway.ts';

/**
 * A private Kafka broker (never the shared one) is stopped while devices keep posting: the
 * gateway must answer 503/429 with Retry-After, and every reading it answered 202 must be in
 * Kafka once the broker is back.
 */
const home = mkdtempSync(join(tmpdir(), 'sluice-outage-'));
const brokerPort = 31092;
const stackEnv = {
  SLUICE_HOME: home,
  SLUICE_KAFKA_PORT: String(brokerPort),
  SLUICE_KAFKA_CONTROLLER_PORT: '31093',
  SLUICE_KAFKA_HEAP: '384m',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
};
const pool = createPgPool();
const run = uniqueSuffix();
let kafka: Kafka;
let serde: AvroSerde;
let gateway: HttpGateway;
let key: { key: string; revoke: () => Promise<void> };

/** Runs `sluice stack …` on the private home without blocking the event loop (the senders keep going). */
function stack(args: string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnv, NO_COLOR: '1' };
  delete env.KAFKA_BROKERS;
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), 'stack', ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`sluice stack ${args.join(' ')} failed:\n${stderr}`)),
    );
  });
}

async function post(
  body: string,
): Promise<{ status: number; retryAfter: string | null; answer?: IngestAnswer }> {
  const response = await fetch(`${gateway.url}/v1/ingest/telemetry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key.key },
    body,
  });
  const json = (await response.json()) as IngestAnswer;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), answer: json };
}

describe('HTTP gateway when Kafka stops mid-request (private broker)', { timeout: 240_000 }, () => {
  before(async () => {
    await stack(['up', 'kafka']);
    kafka = createKafka('outage-test', {
      ...loadSettings(kafkaSettings),
      brokers: [`127.0.0.1:${brokerPort}`],
      connectionTimeoutMs: 1000,
    });
    serde = await prepareTopicsAndSchemas(kafka);
    key = await testApiKey(pool, ['ingest']);
    gateway = new HttpGateway(
      { serde, kafka, pool },
      { ...loadSettings(httpGatewaySettings), port: 0, sendTimeoutMs: 3000, retryAfterSeconds: 1 },
    );
    await gateway.start();
  });

  after(async () => {
    await gateway?.stop(Date.now() + 5000);
    await key?.revoke();
    await pool.end();
    await stack(['down']);
    rmSync(home, { recursive: true, force: true });
  });

  it('answers 503/429 with Retry-After while Kafka is down, /readyz 503 naming the gateway, and loses nothing it answered 202', async () => {
    const accepted = new Set<string>();
    const refusals = new Map<number, number>();
    let withoutRetryAfter = 0;
    let batchNumber = 0;
    let sending = true;
    const sender = async (lane: number) => {
      while (sending) {
        const n = batchNumber++;
        const body = JSON.stringify(
          Array.from({ length: 50 }, (_, i) => ({
            deviceId: `outage-${run}-${lane}`,
            metric: 'temperature',
            value: i,
            messageId: `${n}-${i}`,
          })),
        );
        const { status, retryAfter, answer } = await post(body);
        if (status === 202) {
          for (const result of answer?.results ?? [])
            if (result.status === 'accepted') accepted.add(result.eventId);
        } else {
          refusals.set(status, (refusals.get(status) ?? 0) + 1);
          if (!retryAfter) withoutRetryAfter++;
          await sleep(200);
        }
      }
    };
    const senders = [0, 1, 2, 3].map(sender);
    await sleep(2000);
    const acceptedBeforeStop = accepted.size;
    assert.ok(acceptedBeforeStop > 0, 'readings were accepted before the stop');
    await stack(['down', 'kafka']);
    await sleep(8000);
    sending = false;
    await Promise.all(senders);

    const refused = [...refusals.entries()];
    assert.ok(refused.length > 0, 'requests during the outage were refused');
    assert.ok(
      refused.every(([status]) => status === 503 || status === 429),
      `refusals: ${JSON.stringify(refused)}`,
    );
    assert.equal(withoutRetryAfter, 0);
    assert.notEqual(gateway.health().state, 'ready');
    // readiness as a load balancer or Kubernetes asks for it: not ready, and why
    const readiness = await fetch(`${gateway.url}/readyz`);
    const why = await readiness.text();
    assert.equal(readiness.status, 503, why);
    assert.match(why, /http-gateway: Kafka unavailable/);

    await stack(['up', 'kafka']);
    let recovered = false;
    for (let attempt = 0; attempt < 60 && !recovered; attempt++) {
      const probe = await post(
        JSON.stringify({ deviceId: `outage-${run}-probe`, metric: 'temperature', value: 1 }),
      );
      recovered = probe.status === 202;
      if (!recovered) await sleep(1000);
    }
    assert.ok(recovered, 'the gateway accepts again once Kafka is back');

    const stored = new Set<string>();
    const consumer = kafka.consumer({ groupId: `outage-check-${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.rawTelemetry.topic, fromBeginning: true });
    await new Promise<void>((resolveAll, reject) => {
      let found = 0;
      const timer = setTimeout(
        () => reject(new Error(`${accepted.size - found} of ${accepted.size} accepted readings missing`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          const { value } = await serde.decode<RawTelemetryReading>(topics.rawTelemetry.topic, message.value);
          if (accepted.has(value.eventId) && !stored.has(value.eventId)) found++;
          stored.add(value.eventId);
          if (found === accepted.size) {
            clearTimeout(timer);
            resolveAll();
          }
        },
      });
    }).finally(() => consumer.disconnect());
    const missing = [...accepted].filter((id) => !stored.has(id));
    assert.deepEqual(missing, []);
    process.stdout.write(
      `# accepted ${accepted.size} readings (${acceptedBeforeStop} in the first 2 s), refusals ${JSON.stringify(refused)}, all ${accepted.size} found in Kafka\n`,
    );
  });
});
