import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import mqtt from 'mqtt';
import { createApiKey } from '../../lib/api-keys.ts';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { sluiceProcess } from '../../lib/component.ts';
import { loadSettings, projectRoot } from '../../lib/config.ts';
import { createKafka, topicWatermarks } from '../../lib/kafka.ts';
import { mqttSettings } from '../../lib/mqtt.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { pricingSettings } from '../../processors/pricing/config.ts';
import { PricingPipeline } from '../../processors/pricing/pricing-pipeline.ts';
import type { Outcome, Pipeline } from '../../processors/runner/pipeline.ts';
import { readTopicToEnd } from '../../processors/runner/topic-reader.ts';
import { telemetrySettings } from '../../processors/telemetry/config.ts';
import { TelemetryPipeline } from '../../processors/telemetry/telemetry-pipeline.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import type { DeadLetter, RawPriceOffer, RawTelemetryReading } from '../../schemas/types.ts';
import { type UnexpectedExit, WatchedProcess } from '../private-platform.ts';
import { sluiceAsync, sourceCli, uniqueSuffix } from '../support.ts';
import {
  azurePage,
  badAzureItems,
  httpCorpus,
  importCorpus,
  injectedProductName,
  mqttCorpus,
  sparkplugCorpus,
} from './corpus.ts';

/**
 * The bad-input corpus through every entry point, against the local stack: the HTTP gateway and
 * the MQTT bridge as processes of their own, the file import and a price collection as the CLI runs
 * them. Every entry gets a clear rejection, at the door (the answer, the import's rejects, the
 * run's failed page) or by the processor's stages (a dead letter's reason, for what the door let
 * through); no process crashes, and their memory stays bounded.
 */

const gatewayPort = 17061;
/** Growth of a producer's resident memory over the whole corpus that still counts as bounded. */
const boundedGrowthBytes = 200 * 1024 * 1024;

const run = uniqueSuffix();
const prefix = `corpus-${run}`;
const mqttRoot = `corpus-${run}`;
const sparkplugGroup = `corpus-sparkplug-${run}`;
const rawDlqTopic = dlqContract(topics.rawTelemetry.topic).topic;
const exits: UnexpectedExit[] = [];
const crashLines: string[] = [];
const logs = { gateway: [] as string[], bridge: [] as string[] };
const env = {
  ...process.env,
  OPS_PORT: '0',
  // info: the line naming the operations endpoints is an info line
  LOG_LEVEL: 'info',
  HTTP_GATEWAY_PORT: String(gatewayPort),
  MQTT_BRIDGE_TOPICS: `${mqttRoot}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`,
  MQTT_BRIDGE_CLIENT_ID: `corpus-bridge-${run}`,
  MQTT_BRIDGE_SHARE_GROUP: `corpus-${run}`,
  MQTT_BRIDGE_SPARKPLUG_GROUPS: sparkplugGroup,
};
const kafka = createKafka('corpus-test');
const pool = createPgPool();
let serde: AvroSerde;
let gateway: WatchedProcess;
let bridge: WatchedProcess;
let apiKey: string;
const startOffsets = new Map<string, Map<number, number>>();
const memory = new Map<string, number>();

/** Every item the door let through, by event id, with the corpus entry it came from. */
const letThrough = new Map<string, string>();

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Records of a topic written since the corpus started, decoded (whatever other tests wrote is skipped by the caller). */
async function readSince<T>(topic: string): Promise<T[]> {
  const values: T[] = [];
  const pending: Promise<void>[] = [];
  await readTopicToEnd(kafka, topic, {
    from: startOffsets.get(topic),
    timeoutMs: 60_000,
    onMessages: (_partition, messages: KafkaMessage[]) => {
      for (const message of messages)
        pending.push(
          serde.decode<T>(topic, message.value).then(
            ({ value }) => void values.push(value),
            () => {},
          ),
        );
    },
  });
  await Promise.all(pending);
  return values;
}

/** The processor's verdict on a raw event: its stages, as the processor runs them. */
function verdict<I, O>(pipeline: Pipeline<I, O>, raw: I, offset: number): Outcome<O> {
  return pipeline.process(raw, { topic: 'corpus', partition: 0, offset, timestamp: Date.now() });
}

describe('bad-input corpus through every entry point', { timeout: 600_000 }, () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    for (const topic of [topics.rawTelemetry.topic, topics.rawPricing.topic, rawDlqTopic]) {
      startOffsets.set(
        topic,
        new Map((await topicWatermarks(kafka, topic)).map(({ partition, high }) => [partition, high])),
      );
    }
    apiKey = (await createApiKey(pool, { name: `corpus-${run}`, roles: ['ingest'] })).key;
    const watched = (name: string, args: string[], lines: string[]) =>
      new WatchedProcess(name, sluiceProcess(sourceCli, args, env), lines, { exits, crashLines });
    gateway = watched('http-gateway', ['run', 'gateway'], logs.gateway);
    bridge = watched('mqtt-bridge', ['run', 'mqtt-bridge'], logs.bridge);
    for (const producer of [gateway, bridge]) {
      await waitFor(
        `${producer.name} ready`,
        async () => (await producer.readiness())?.status === 200,
        120_000,
      );
      memory.set(producer.name, producer.rssBytes());
    }
  });

  after(async () => {
    await Promise.all([gateway?.stop(), bridge?.stop()]);
    await pool.end();
  });

  it('HTTP JSON, NDJSON and CSV: each answer as documented, every reading rejected with its reason', async () => {
    const answers: string[] = [];
    for (const entry of httpCorpus(prefix)) {
      const response = await fetch(`http://127.0.0.1:${gatewayPort}${entry.path}`, {
        method: 'POST',
        headers: { 'content-type': entry.contentType, 'x-api-key': apiKey },
        body: new Uint8Array(entry.body),
      });
      const answer = (await response.json()) as {
        error?: string;
        message?: string;
        results?: ({ index: number } & (
          | { status: 'accepted'; eventId: string }
          | { status: 'rejected'; reason: string }
        ))[];
      };
      answers.push(
        `${response.status} ${entry.name}: ${answer.error ?? ''}${answer.message ? ` ${answer.message.slice(0, 90)}` : ''}`,
      );
      assert.equal(response.status, entry.status, `${entry.name}: ${JSON.stringify(answer).slice(0, 300)}`);
      if (entry.error) assert.equal(answer.error, entry.error, entry.name);
      if (response.status >= 400 && response.status !== 422) {
        assert.ok(answer.message, `${entry.name}: a refusal says why`);
        continue;
      }
      for (const result of answer.results ?? []) {
        if (result.status === 'rejected')
          assert.ok(result.reason, `${entry.name}: item ${result.index} rejected without a reason`);
        else letThrough.set(result.eventId, `HTTP ${entry.name}, item ${result.index}`);
      }
    }
    process.stderr.write(`# corpus HTTP answers:\n${answers.map((line) => `#   ${line}`).join('\n')}\n`);
  });

  it('MQTT and Sparkplug B: every message becomes readings or a dead letter with its reason at the door; the bridge lives on', async () => {
    const { url } = loadSettings(mqttSettings);
    const plainTopic = (index: number) =>
      `${mqttRoot}/sites/s/devices/${prefix}-m${index}/metrics/temperature`;
    const sparkplug = sparkplugCorpus(sparkplugGroup);
    const client = await mqtt.connectAsync(url, { clientId: `corpus-pub-${run}`, reconnectPeriod: 0 });
    try {
      for (const [index, { payload }] of mqttCorpus().entries())
        await client.publishAsync(plainTopic(index), payload, { qos: 1 });
      // in order on one connection, as an edge node publishes: births before the data that needs them
      for (const { topic, payload } of sparkplug) await client.publishAsync(topic, payload, { qos: 1 });
    } finally {
      await client.endAsync();
    }
    const ours = (source: string | null) =>
      source?.startsWith(`mqtt:${mqttRoot}/`) || source?.startsWith(`mqtt:spBv1.0/${sparkplugGroup}/`);
    const expected = {
      letters: sparkplug.flatMap((entry) => entry.letters).length,
      readings: sparkplug.reduce((sum, entry) => sum + entry.readings, 0),
    };
    let readings: RawTelemetryReading[] = [];
    let letters: DeadLetter[] = [];
    const accounted = () =>
      mqttCorpus().every(
        (_, index) =>
          readings.some((reading) => reading.deviceId === `${prefix}-m${index}`) ||
          letters.some((letter) => letter.source === `mqtt:${plainTopic(index)}`),
      ) &&
      letters.filter((letter) => letter.source?.startsWith('mqtt:spBv1.0/')).length >= expected.letters &&
      readings.filter((reading) => reading.deviceId.startsWith(`${sparkplugGroup}/`)).length >=
        expected.readings;
    await waitFor(
      'every MQTT message as readings in the raw topic or a dead letter in its DLQ',
      async () => {
        readings = (await readSince<RawTelemetryReading>(topics.rawTelemetry.topic)).filter(
          (reading) =>
            reading.source === 'mqtt' &&
            (reading.deviceId.startsWith(`${prefix}-m`) || reading.deviceId.startsWith(`${sparkplugGroup}/`)),
        );
        letters = (await readSince<DeadLetter>(rawDlqTopic)).filter((letter) => ours(letter.source));
        return accounted();
      },
      90_000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message} (${readings.length} readings: ${readings.map((r) => `${r.deviceId} ${r.metric}`).join('; ')}; ${letters.length} letters: ${letters.map((l) => `${l.source} ${l.reasonCode}`).join('; ')}); the bridge said:\n${logs.bridge.slice(-15).join('\n')}`,
      );
    });
    for (const reading of readings)
      letThrough.set(reading.eventId, `MQTT ${reading.deviceId} ${reading.metric}`);
    for (const letter of letters)
      assert.ok(letter.reasonCode && letter.message, `${letter.source}: no reason`);
    const reasonsOf = (prefixOfSource: string) =>
      letters
        .filter((letter) => letter.source?.startsWith(prefixOfSource))
        .map((letter) => letter.reasonCode)
        .sort();
    assert.deepEqual(
      reasonsOf(`mqtt:spBv1.0/${sparkplugGroup}/`),
      sparkplug.flatMap((entry) => entry.letters).sort(),
      'the Sparkplug B dead letters',
    );
    assert.equal(
      readings.filter((reading) => reading.deviceId.startsWith(`${sparkplugGroup}/`)).length,
      expected.readings,
    );
    // over MQTT_BRIDGE_MAX_PAYLOAD_BYTES (16 KiB by default) a payload is dead-lettered without its bytes
    for (const [index, { payload }] of mqttCorpus().entries()) {
      if (payload.length <= 16_384) continue;
      const letter = letters.find((l) => l.source === `mqtt:${plainTopic(index)}`);
      assert.equal(
        letter?.reasonCode,
        'payload_too_large',
        `MQTT payload ${index} of ${payload.length} bytes`,
      );
    }
    process.stderr.write(
      `# corpus MQTT: ${readings.length} readings let through, dead letters at the door: ${JSON.stringify(
        Object.fromEntries(
          [...new Set(letters.map((l) => l.reasonCode))].map((reason) => [
            reason,
            letters.filter((l) => l.reasonCode === reason).length,
          ]),
        ),
      )}\n`,
    );
    assert.ok(bridge.alive, 'the bridge died');
  });

  it('file import: every bad row rejected with its reason and line, a broken file stopped where it breaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-corpus-'));
    try {
      const summaries: string[] = [];
      for (const entry of importCorpus(prefix)) {
        const file = join(dir, entry.file);
        writeFileSync(file, entry.content);
        const result = spawnSync(
          process.execPath,
          [join(projectRoot, 'bin', 'sluice.mjs'), 'import', 'telemetry', file],
          {
            cwd: projectRoot,
            encoding: 'utf8',
            env: { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn' },
            timeout: 120_000,
          },
        );
        assert.notEqual(result.status, null, `${entry.name}: the import did not end (${result.signal})`);
        assert.doesNotMatch(
          result.stderr,
          /Unhandled|RangeError|TypeError|at .*\.ts:\d+/,
          `${entry.name}: a crash`,
        );
        const summary =
          result.stderr.split('\n').find((line) => /accepted|unreadable|empty/.test(line)) ?? '';
        summaries.push(`${entry.name}: exit ${result.status}; ${summary.replace(/^.*import\s+/, '').trim()}`);
        const rejects = `${file}.rejected.ndjson`;
        if (existsSync(rejects)) {
          for (const line of readFileSync(rejects, 'utf8').split('\n').filter(Boolean)) {
            const reject = JSON.parse(line) as { reason?: string; line?: number; index?: number };
            assert.ok(
              reject.reason && (reject.line !== undefined || reject.index !== undefined),
              `${entry.name}: a rejected row without reason or place`,
            );
          }
        }
      }
      process.stderr.write(`# corpus imports:\n${summaries.map((line) => `#   ${line}`).join('\n')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('price pages: bad items are rejected by the processor, a broken or oversized page fails the run with its URL', async () => {
    const items = badAzureItems();
    const oversized = items.filter((item) => JSON.stringify(item).length > 256 * 1024);
    const pages = new Map<string, string>();
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      res.end(
        pages.get(`${url.pathname}?${url.searchParams.get('page') ?? '1'}`) ??
          '{"Items": [], "NextPageLink": null}',
      );
    });
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // run a: a page of bad items, then a page with an item of 1 MB; run b: a page cut off mid-item
    pages.set(
      '/a?1',
      azurePage(
        items.filter((item) => !oversized.includes(item)),
        `${origin}/a?page=2`,
      ),
    );
    pages.set('/a?2', azurePage(oversized, null));
    pages.set('/b?1', '{"Items": [{"meterId": "corpus-truncated", "retailPrice"');
    // in the background: the page server above answers from this process's event loop
    const collect = async (path: string, runId: string) => {
      const result = await sluiceAsync(['collect', 'azure', '--run-id', runId, '--json'], {
        ...process.env,
        NO_COLOR: '1',
        LOG_LEVEL: 'warn',
        AZURE_PRICING_URL: `${origin}${path}`,
        AZURE_PRICING_RETRY_INITIAL_MS: '20',
        AZURE_PRICING_RETRY_MAX_MS: '100',
      });
      assert.doesNotMatch(result.stderr, /Unhandled|RangeError|TypeError/, 'the collector crashed');
      const ended = JSON.parse(result.stdout) as { status: string; error: string | null; published: number };
      process.stderr.write(
        `# corpus prices ${path}: run ${ended.status}, ${ended.published} published; ${ended.error}\n`,
      );
      return ended;
    };
    const runIds = { a: `corpus-a-${run}`, b: `corpus-b-${run}` };
    try {
      const [a, b] = [await collect('/a', runIds.a), await collect('/b', runIds.b)];
      assert.equal(a.status, 'failed');
      assert.match(
        a.error ?? '',
        /page=2.*bytes; the limit is/,
        'the oversized page fails with its URL and why',
      );
      assert.equal(b.status, 'failed');
      assert.match(b.error ?? '', /\/b/, 'the truncated page fails with its URL');
    } finally {
      await new Promise((resolveClose) => server.close(resolveClose));
    }
    const offers = (await readSince<RawPriceOffer>(topics.rawPricing.topic)).filter(
      (offer) => offer.collectionId === runIds.a,
    );
    assert.equal(
      offers.length,
      items.length - oversized.length,
      'every item of the readable page was published',
    );
    const pipeline = new PricingPipeline(loadSettings(pricingSettings));
    for (const [index, offer] of offers.entries()) {
      const outcome = verdict(pipeline, offer, index);
      if (offer.item.includes('DROP TABLE')) {
        assert.equal(outcome.kind, 'output');
        assert.ok(JSON.stringify(outcome).includes(injectedProductName), 'text kept as sent');
        continue;
      }
      assert.equal(
        outcome.kind,
        'rejected',
        `price item ${offer.sku} was accepted: ${JSON.stringify(outcome).slice(0, 300)}`,
      );
      if (outcome.kind === 'rejected') assert.ok(outcome.rejection.code && outcome.rejection.message);
    }
  });

  it('what the door let through is rejected by the processor with its reason', async () => {
    const pipeline = new TelemetryPipeline(loadSettings(telemetrySettings), () => undefined);
    const raw = (await readSince<RawTelemetryReading>(topics.rawTelemetry.topic)).filter((reading) => {
      // the import answers with counts, not event ids: its readings are found by their device
      if (reading.source === 'file' && reading.deviceId.startsWith(prefix))
        letThrough.set(reading.eventId, `import of ${reading.deviceId}`);
      return letThrough.has(reading.eventId);
    });
    const found = new Set(raw.map((reading) => reading.eventId));
    assert.deepEqual(
      [...letThrough].filter(([eventId]) => !found.has(eventId)).map(([, what]) => what),
      [],
      'acknowledged readings missing from the raw topic',
    );
    const reasons = new Map<string, number>();
    for (const [index, reading] of raw.entries()) {
      const outcome = verdict(pipeline, reading, index);
      assert.equal(
        outcome.kind,
        'rejected',
        `${letThrough.get(reading.eventId)} was normalized: ${JSON.stringify(outcome).slice(0, 300)}`,
      );
      if (outcome.kind === 'rejected') {
        assert.ok(
          outcome.rejection.message,
          `${letThrough.get(reading.eventId)}: a rejection without a reason`,
        );
        reasons.set(outcome.rejection.code, (reasons.get(outcome.rejection.code) ?? 0) + 1);
      }
    }
    process.stderr.write(
      `# corpus: ${raw.length} readings let through, rejected by the processor: ${JSON.stringify(Object.fromEntries(reasons))}\n`,
    );
  });

  it('no process crashed, and their memory stayed bounded', () => {
    assert.deepEqual(exits, [], 'a producer process died');
    assert.deepEqual(crashLines, []);
    for (const producer of [gateway, bridge]) {
      const growth = producer.rssBytes() - (memory.get(producer.name) ?? 0);
      process.stderr.write(
        `# corpus: ${producer.name} resident memory grew by ${(growth / 1024 / 1024).toFixed(0)} MiB\n`,
      );
      assert.ok(growth < boundedGrowthBytes, `${producer.name} grew by ${growth} bytes`);
    }
  });
});
