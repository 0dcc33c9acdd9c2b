import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { fileImportSettings } from '../producers/file-import/config.ts';
import { TelemetryFileImport } from '../producers/file-import/file-import.ts';
import { httpGatewaySettings } from '../producers/http-gateway/config.ts';
import { HttpGateway } from '../producers/http-gateway/http-gateway.ts';
import { mqttBridgeSettings } from '../producers/mqtt-bridge/config.ts';
import { MqttBridge } from '../producers/mqtt-bridge/mqtt-bridge.ts';
import { compileTopicTemplate } from '../producers/mqtt-bridge/topic-template.ts';
import { rawTopicEnd, readRawReadings, type TopicPosition } from '../producers/testing.ts';
import { testApiKey, uniqueSuffix, waitFor } from './support.ts';
import { startTelemetryPipeline, type TelemetryPipeline } from './telemetry-pipeline.ts';

const kafka = createKafka('telemetry-identity-test');
const run = uniqueSuffix();
const dir = mkdtempSync(join(tmpdir(), 'sluice-identity-'));
let serde: AvroSerde;
let pipeline: TelemetryPipeline;
let start: TopicPosition;

function importFile(name: string, content: string | Buffer) {
  const file = join(dir, name);
  writeFileSync(file, content);
  return new TelemetryFileImport(serde, file, { kafka, settings: loadSettings(fileImportSettings) }).run();
}

describe('telemetry identity and original bytes, producer to both sinks', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
    pipeline = await startTelemetryPipeline();
  });

  after(async () => {
    await pipeline.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores each distinct reading of a file once, through duplicate rows and a re-export under another name', async () => {
    const device = `dup-${run}`;
    const header = 'deviceId,metric,value,unit,ts';
    const rows = [
      `${device},temperature,20.5,degC,2026-11-21T08:00:00Z`,
      `${device},temperature,21,degC,2026-11-21T08:01:00Z`,
      `${device},temperature,20.5,degC,2026-11-21T08:00:00Z`, // the first row again
      `${device},pressure,101.3,kPa,2026-11-21T08:00:00Z`,
      `${device},temperature,21,degC,2026-11-21T08:01:00Z`, // the second row again
      `${device},temperature,20.7,degC,2026-11-21T08:00:00Z`, // same time, another value: a reading of its own
    ];
    const first = await importFile('plant-export.csv', `${header}\n${rows.join('\n')}\n`);
    assert.equal(first.accepted, 6);
    // the same readings exported again under another name, in another order
    const second = await importFile(
      'plant-export-again.csv',
      `${header}\n${[...rows].reverse().join('\n')}\n`,
    );
    assert.equal(second.accepted, 6);

    await pipeline.loaded(`device_id = '${device}'`, 4);
    const { rows: stored } = await pipeline.pool.query<{
      metric: string;
      value: number;
      unit: string;
      t: string;
    }>(
      `SELECT metric, value, unit, to_char(source_time AT TIME ZONE 'UTC', 'HH24:MI') AS t
       FROM telemetry_readings WHERE device_id = $1 ORDER BY metric, t, value`,
      [device],
    );
    const expected = [
      { metric: 'pressure', value: 101.3, unit: 'kPa', t: '08:00' },
      { metric: 'temperature', value: 20.5, unit: 'degC', t: '08:00' },
      { metric: 'temperature', value: 20.7, unit: 'degC', t: '08:00' },
      { metric: 'temperature', value: 21, unit: 'degC', t: '08:01' },
    ];
    assert.deepEqual(stored, expected);
    const inClickHouse = await (
      await pipeline.clickhouse.query({
        query: `SELECT metric, value, unit, formatDateTime(source_time, '%H:%M', 'UTC') AS t
                FROM telemetry_readings FINAL WHERE device_id = '${device}' ORDER BY metric, t, value`,
        format: 'JSONEachRow',
      })
    ).json<{ metric: string; value: number; unit: string; t: string }>();
    assert.deepEqual(inClickHouse, expected);
    await pipeline.caughtUp();
    const normalized = (await pipeline.normalized()).filter((r) => r.deviceId === device);
    assert.equal(normalized.length, 4, 'the processor passes each distinct reading once');
  });

  it('keeps invalid UTF-8 exactly as received through HTTP, MQTT and file import: answered naming the field, in the raw topic, raw_events and the DLQ', async () => {
    const invalid = (before: string, after: string) =>
      Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]);
    const httpDevice = `utf8-http-${run}`;
    const mqttDevice = `utf8-mqtt-${run}`;
    const fileDevice = `utf8-file-${run}`;
    const httpBody = invalid(
      `{"deviceId":"${httpDevice}`,
      '","metric":"temperature","value":1,"unit":"degC"}',
    );
    // the run's own message id: raw_events keeps the originals of every run on this stack
    const mqttPayload = invalid(`{"messageId":"utf8-${run}","value":2,"unit":"deg`, 'C"}');
    const ndjsonLine = invalid(
      `{"deviceId":"${fileDevice}`,
      '","metric":"temperature","value":3,"unit":"degC"}',
    );
    const csvRow = invalid(`${fileDevice}`, '-csv,temperature,4,degC');
    const csvPayload = Buffer.concat([
      Buffer.from('deviceId,metric,value,unit\n'),
      csvRow,
      Buffer.from('\n'),
    ]);
    const expected = [
      { original: httpBody, field: 'deviceId' },
      { original: mqttPayload, field: 'unit' },
      { original: ndjsonLine, field: 'deviceId' },
      { original: csvPayload, field: 'deviceId' },
    ];
    const why = ({ original, field }: (typeof expected)[number]) =>
      `${field} is not valid UTF-8: the payload has an invalid byte 0xff at offset ${original.indexOf(0xff)}`;

    const pool = pipeline.pool;
    const ingest = await testApiKey(pool, ['ingest']);
    const gateway = new HttpGateway({ serde, pool }, { ...loadSettings(httpGatewaySettings), port: 0 });
    await gateway.start();
    const bridge = new MqttBridge(serde, {
      kafka,
      settings: {
        ...loadSettings(mqttBridgeSettings),
        topics: [compileTopicTemplate(`test-${run}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`)],
        clientId: `test-utf8-${run}`,
        shareGroup: `test-utf8-${run}`,
        sessionExpirySeconds: 60,
        // not a host application for every group: other tests' Sparkplug edge nodes are theirs
        sparkplugGroups: [],
      },
    });
    await bridge.start();
    try {
      const answer = await fetch(`${gateway.url}/v1/ingest/telemetry`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-api-key': ingest.key },
        body: new Uint8Array(httpBody),
      });
      // the gateway runs the validation stage: it answers with the reason the DLQ carries
      assert.equal(answer.status, 422);
      const [result] = ((await answer.json()) as { results: Record<string, unknown>[] }).results;
      assert.deepEqual(
        { ...result, eventId: undefined },
        {
          index: 0,
          line: 1,
          status: 'rejected',
          reason: 'invalid_utf8',
          message: why(expected[0] as (typeof expected)[number]),
          eventId: undefined,
        },
      );
      assert.match(String(result?.eventId), /^[0-9a-f]{32}$/, 'the answer names the kept reading');
      const client = await mqtt.connectAsync(loadSettings(mqttSettings).url, { clientId: `test-pub-${run}` });
      await client.publishAsync(
        `test-${run}/sites/s1/devices/${mqttDevice}/metrics/temperature`,
        mqttPayload,
        {
          qos: 1,
        },
      );
      await client.endAsync();
    } finally {
      await bridge.stop(Date.now() + 5000);
      await gateway.stop(Date.now() + 5000);
      await ingest.revoke();
    }
    // the file import answers in its rejects file, the original bytes in base64 with the reason
    for (const [name, content, entry] of [
      ['broken.ndjson', Buffer.concat([ndjsonLine, Buffer.from('\n')]), expected[2]],
      ['broken.csv', csvPayload, expected[3]],
    ] as const) {
      const summary = await importFile(name, content);
      assert.equal(summary.accepted, 0);
      const [rejected] = readFileSync(summary.rejectsFile as string, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.equal(rejected.reason, 'invalid_utf8');
      assert.equal(rejected.message, why(entry as (typeof expected)[number]));
      assert.ok(
        Buffer.from(rejected.payloadBase64, 'base64').equals((entry as (typeof expected)[number]).original),
      );
    }
    const originals = expected.map((e) => e.original);

    const raw = await readRawReadings(
      kafka,
      serde,
      start,
      (r) => originals.some((o) => o.equals(r.payload)),
      {
        count: 4,
      },
    );
    assert.equal(raw.length, 4, 'each original is in the raw topic byte for byte');

    let archived = 0;
    await waitFor('the originals in raw_events', async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM raw_events WHERE original = ANY($1::bytea[])',
        [originals],
      );
      archived = rows[0]?.n ?? 0;
      return archived >= 4;
    });
    assert.equal(archived, 4, 'each original is in raw_events.original byte for byte');

    let letters: Awaited<ReturnType<TelemetryPipeline['deadLetters']>> = [];
    await waitFor('the originals in the DLQ', async () => {
      letters = (await pipeline.deadLetters()).filter((l) => originals.some((o) => o.equals(l.raw.payload)));
      return letters.length >= 4;
    });
    assert.equal(letters.length, 4, 'each original is in the DLQ byte for byte');
    for (const entry of expected) {
      const letter = letters.find((l) => l.raw.payload.equals(entry.original))?.letter;
      assert.equal(letter?.reasonCode, 'invalid_utf8');
      assert.equal(letter?.message, why(entry), 'the DLQ says what the gateway and the import said');
    }
    const { rows: stored } = await pool.query(
      `SELECT 1 FROM telemetry_readings WHERE device_id LIKE 'utf8-%${run}%'`,
    );
    assert.equal(stored.length, 0, 'no reading with a mangled id is stored');
  });

  it('takes a corrected resend of a refused reading: same event id, stored once, the refusal in the DLQ', async () => {
    const device = `resend-${run}`;
    const pool = pipeline.pool;
    const ingest = await testApiKey(pool, ['ingest']);
    const gateway = new HttpGateway({ serde, pool }, { ...loadSettings(httpGatewaySettings), port: 0 });
    await gateway.start();
    const send = async (unit: string) => {
      const answer = await fetch(`${gateway.url}/v1/ingest/telemetry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': ingest.key },
        body: JSON.stringify({
          deviceId: device,
          metric: 'temperature',
          value: 21.5,
          unit,
          ts: '2026-11-21T09:00:00Z',
          messageId: 'm-1',
        }),
      });
      return {
        status: answer.status,
        result: ((await answer.json()) as { results: { eventId: string; reason?: string }[] }).results[0],
      };
    };
    try {
      const refused = await send('degrees celsius');
      assert.equal(refused.status, 422);
      assert.equal(refused.result?.reason, 'unit_unknown');
      const corrected = await send('degC');
      assert.equal(corrected.status, 202);
      assert.equal(corrected.result?.eventId, refused.result?.eventId, 'the device resends the same reading');
    } finally {
      await gateway.stop(Date.now() + 5000);
      await ingest.revoke();
    }
    await pipeline.loaded(`device_id = '${device}'`, 1);
    const { rows } = await pool.query(`SELECT value, unit FROM telemetry_readings WHERE device_id = $1`, [
      device,
    ]);
    assert.deepEqual(rows, [{ value: 21.5, unit: 'degC' }]);
    let letters: Awaited<ReturnType<TelemetryPipeline['deadLetters']>> = [];
    await waitFor('the refusal in the DLQ', async () => {
      letters = (await pipeline.deadLetters()).filter((l) => l.raw.deviceId === device);
      return letters.length >= 1;
    });
    assert.deepEqual(
      letters.map((l) => [l.letter.reasonCode, l.raw.unit]),
      [['unit_unknown', 'degrees celsius']],
    );
  });
});
