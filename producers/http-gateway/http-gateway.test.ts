import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { testApiKey, uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawReadings, type TopicPosition } from '../testing.ts';
import { httpGatewaySettings } from './config.ts';
import { HttpGateway, type IngestAnswer } from './http-gateway.ts';

const kafka = createKafka('http-gateway-test');
const pool = createPgPool();
let serde: AvroSerde;
let gateway: HttpGateway;
let ingestKey: string;
let readKey: string;
const revokes: (() => Promise<void>)[] = [];
let start: TopicPosition;
const run = uniqueSuffix();

async function post(
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': ingestKey, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
}

function readingsOf(prefix: string, count: number): Promise<RawTelemetryReading[]> {
  return readRawReadings(kafka, serde, start, (r) => r.deviceId.startsWith(prefix), { count });
}

describe('HTTP ingest gateway against Kafka, the registry and PostgreSQL', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
    const ingest = await testApiKey(pool, ['ingest']);
    const read = await testApiKey(pool, ['read']);
    ingestKey = ingest.key;
    readKey = read.key;
    revokes.push(ingest.revoke, read.revoke);
    gateway = new HttpGateway({ serde, pool }, { ...loadSettings(httpGatewaySettings), port: 0 });
    await gateway.start();
  });

  after(async () => {
    await gateway.stop(Date.now() + 5000);
    for (const revoke of revokes) await revoke();
    await pool.end();
  });

  it('takes one JSON object and lands it in the raw topic with its bytes verbatim', async () => {
    const device = `gw-obj-${run}`;
    const body = `{"deviceId": "${device}", "siteId": "plant-1", "metric": "temperature", "value": 21.5, "unit": "degC", "ts": "2024-05-01T10:00:00+02:00"}`;
    const answer = await post('/v1/ingest/telemetry', body);
    assert.equal(answer.status, 202, JSON.stringify(answer.json));
    const result = answer.json as unknown as IngestAnswer;
    assert.equal(result.accepted, 1);
    const [reading] = await readingsOf(device, 1);
    assert.ok(reading);
    assert.equal(reading.eventId, (result.results[0] as { eventId: string }).eventId);
    assert.equal(reading.source, 'http');
    assert.equal(reading.siteId, 'plant-1');
    assert.equal(reading.value, 21.5);
    assert.equal(reading.unit, 'degC');
    assert.equal(reading.sourceTime, '2024-05-01T10:00:00+02:00');
    assert.equal(reading.contentType, 'application/json');
    assert.equal(reading.payload.toString(), body);
  });

  it('takes a JSON batch, answering per item, and keeps each element verbatim', async () => {
    const device = `gw-batch-${run}`;
    const elements = [
      `{"deviceId":"${device}-a","metric":"pressure","value":1.5,"unit":"bar","ts":1714550400000}`,
      `{ "deviceId" : "${device}-b", "metric" : "flow", "value" : "12.25", "unit": "m3/h" }`,
      `{"deviceId":"${device}-c","metric":"energy","value":1e3,"unit":"Wh","messageId":"m-1"}`,
      `{"metric":"orphan","value":1}`,
      `"not an object"`,
    ];
    const answer = await post('/v1/ingest/telemetry', `[\n  ${elements.join(',\n  ')}\n]`);
    assert.equal(answer.status, 202);
    const result = answer.json as unknown as IngestAnswer;
    assert.equal(result.accepted, 3);
    assert.equal(result.rejected, 2);
    assert.deepEqual(result.results[3], {
      index: 3,
      status: 'rejected',
      reason: 'field_missing',
      message: 'deviceId is missing',
    });
    assert.deepEqual(result.results[4], {
      index: 4,
      status: 'rejected',
      reason: 'reading_malformed',
      message: 'a reading must be a JSON object',
    });
    const readings = await readingsOf(device, 3);
    assert.equal(readings.length, 3);
    const byDevice = new Map(readings.map((r) => [r.deviceId, r]));
    assert.equal(byDevice.get(`${device}-a`)?.payload.toString(), elements[0]);
    assert.equal(byDevice.get(`${device}-b`)?.payload.toString(), elements[1]);
    assert.equal(byDevice.get(`${device}-b`)?.value, 12.25);
    assert.equal(byDevice.get(`${device}-a`)?.sourceTime, '1714550400000');
    assert.equal(byDevice.get(`${device}-c`)?.messageId, 'm-1');
  });

  it('takes NDJSON, refusing only the malformed line with its line and column', async () => {
    const device = `gw-ndjson-${run}`;
    const lines = [
      `{"deviceId":"${device}","metric":"temperature","value":20.1,"unit":"degC","ts":1714550400}`,
      `{"deviceId":"${device}","metric":"temperature","value":20.2,"unit":"degC","ts":1714550460,}`,
      '',
      `{"deviceId":"${device}","metric":"temperature","value":20.3,"unit":"degC","ts":1714550520}`,
    ];
    const answer = await post('/v1/ingest/telemetry', lines.join('\n'), {
      'content-type': 'application/x-ndjson',
    });
    assert.equal(answer.status, 202);
    const result = answer.json as unknown as IngestAnswer;
    assert.equal(result.accepted, 2);
    const rejected = result.results.find((r) => r.status === 'rejected');
    assert.ok(rejected && rejected.status === 'rejected');
    assert.equal(rejected.line, 2);
    const column = (lines[1] as string).indexOf(',}') + 2;
    assert.equal(rejected.reason, 'reading_malformed');
    assert.equal(
      rejected.message,
      `malformed JSON at line 2 column ${column}: expected a double-quoted property name`,
    );
    const readings = await readingsOf(device, 2);
    assert.deepEqual(readings.map((r) => r.value).sort(), [20.1, 20.3]);
    assert.ok(readings.every((r) => r.contentType === 'application/x-ndjson'));
  });

  it('takes CSV in long form and in wide form with units in the header or in unit columns', async () => {
    const device = `gw-csv-${run}`;
    const long = `device_id,metric,value,unit,timestamp\n${device}-l,temperature,19.5,degC,2024-05-01T10:00:00Z\n${device}-l,pressure,1.01,bar,2024-05-01T10:00:00Z\n`;
    const longAnswer = await post('/v1/ingest/telemetry/csv', long, { 'content-type': 'text/csv' });
    assert.equal(longAnswer.status, 202, JSON.stringify(longAnswer.json));
    assert.equal((longAnswer.json as unknown as IngestAnswer).accepted, 2);
    const wide = `deviceId,ts,temperature [degF],flow,flow_unit\n${device}-w,1714550400000,70.2,12,l/min\n${device}-w,1714550460000,,13,l/min\n,1714550460000,1,2,l/min\n`;
    const wideAnswer = await post('/v1/ingest/telemetry/csv', wide, {
      'content-type': 'text/csv; charset=utf-8',
    });
    assert.equal(wideAnswer.status, 202, JSON.stringify(wideAnswer.json));
    const result = wideAnswer.json as unknown as IngestAnswer;
    assert.equal(result.accepted, 3);
    assert.deepEqual(result.results[3], {
      index: 3,
      line: 4,
      status: 'rejected',
      reason: 'field_missing',
      message: 'deviceId is missing',
    });
    const readings = await readingsOf(device, 5);
    const wideReadings = readings.filter((r) => r.deviceId === `${device}-w`);
    const temperature = wideReadings.find((r) => r.metric === 'temperature');
    assert.equal(temperature?.unit, 'degF');
    assert.equal(temperature?.value, 70.2);
    assert.equal(
      temperature?.payload.toString(),
      `deviceId,ts,temperature [degF],flow,flow_unit\n${device}-w,1714550400000,70.2,12,l/min\n`,
    );
    assert.deepEqual(
      wideReadings.filter((r) => r.metric === 'flow').map((r) => r.unit),
      ['l/min', 'l/min'],
    );
    assert.ok(readings.every((r) => r.contentType === 'text/csv'));
  });

  it('gives a resend the same eventId through Idempotency-Key or a message id', async () => {
    const device = `gw-idem-${run}`;
    const body = JSON.stringify([
      { deviceId: device, metric: 'temperature', value: 1 },
      { deviceId: device, metric: 'temperature', value: 2, messageId: 'abc' },
    ]);
    const first = (await post('/v1/ingest/telemetry', body, { 'idempotency-key': `k-${run}` }))
      .json as unknown as IngestAnswer;
    const again = (await post('/v1/ingest/telemetry', body, { 'idempotency-key': `k-${run}` }))
      .json as unknown as IngestAnswer;
    assert.deepEqual(again.results, first.results);
    const withoutKey = (await post('/v1/ingest/telemetry', body)).json as unknown as IngestAnswer;
    assert.notDeepEqual(withoutKey.results[0], first.results[0]);
    assert.deepEqual(withoutKey.results[1], first.results[1]);
  });

  it('answers malformed JSON with 400 and the position', async () => {
    const body = '[{"deviceId":"d","metric":"m","value":1},\n {"deviceId":"d" "metric":"m"}]';
    const answer = await post('/v1/ingest/telemetry', body);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.error, 'malformed_json');
    assert.equal(answer.json.position, 59);
    assert.equal(answer.json.line, 2);
    assert.equal(answer.json.column, 18);
    assert.equal(
      answer.json.message,
      "malformed JSON at byte 59: expected ',' or '}' after a property value",
    );
    const truncated = await post('/v1/ingest/telemetry', '[{"deviceId":"d","metric":"m"');
    assert.equal(truncated.status, 400);
    assert.equal(truncated.json.position, 29);
  });

  it('answers 50-level nested JSON with 400 naming the depth limit', async () => {
    const nested = `${'{"a":'.repeat(50)}1${'}'.repeat(50)}`;
    const answer = await post('/v1/ingest/telemetry', `[{"deviceId":"d","metric":"m","value":${nested}}]`);
    assert.equal(answer.status, 400);
    assert.equal(answer.json.error, 'json_too_deep');
    assert.match(String(answer.json.message), /nested deeper than 16 levels at byte \d+/);
  });

  it('refuses a reading holding a 1 MB string with a reason, and keeps the good ones', async () => {
    const device = `gw-big-${run}`;
    const huge = 'x'.repeat(1024 * 1024);
    const body = JSON.stringify([
      { deviceId: device, metric: 'note', value: 1, comment: huge },
      { deviceId: huge, metric: 'temperature', value: 1 },
      { deviceId: device, metric: 'temperature', value: 2 },
    ]);
    const answer = await post('/v1/ingest/telemetry', body);
    assert.equal(answer.status, 202);
    const result = answer.json as unknown as IngestAnswer;
    assert.equal(result.accepted, 1);
    const [comment, device1MB] = result.results as { reason: string; message: string }[];
    assert.equal(comment?.reason, 'payload_too_large');
    assert.match(comment?.message ?? '', /^the reading is 10486\d\d bytes; the limit is 16384$/);
    assert.equal(device1MB?.reason, 'payload_too_large');
    assert.match(device1MB?.message ?? '', /^the reading is \d+ bytes/);
    const small = await post(
      '/v1/ingest/telemetry',
      JSON.stringify({ deviceId: 'y'.repeat(300), metric: 'm' }),
    );
    assert.equal(small.status, 422);
    const [refused] = (small.json as unknown as IngestAnswer).results as { eventId?: string }[];
    assert.match(refused?.eventId ?? '', /^[0-9a-f]{32}$/, 'a refused reading is kept for the DLQ');
    assert.deepEqual(
      { ...refused, eventId: undefined },
      {
        index: 0,
        status: 'rejected',
        reason: 'id_invalid',
        message: 'deviceId is 300 characters long (at most 128)',
        eventId: undefined,
      },
    );
    const [reading] = await readingsOf(device, 1);
    assert.equal(reading?.value, 2);
  });

  it('answers readings the processor would reject with the reason its DLQ will carry, and keeps them for the DLQ', async () => {
    const device = `gw-invalid-${run}`;
    const body = `[
      {"deviceId":"${device}","metric":"temperature","value":21.5,"unit":"degC","ts":"2024-05-01T10:00:00Z"},
      {"deviceId":"${device}","metric":"temperature","value":21.5,"unit":"furlongs","ts":"2024-05-01T10:00:00Z"},
      {"deviceId":"${device}","metric":"humidity","value":104,"unit":"%","ts":"2024-05-01T10:00:00Z"},
      {"deviceId":"${device}","metric":"pressure","value":1e999,"unit":"bar","ts":"2024-05-01T10:00:00Z"},
      {"deviceId":"${device} 2","metric":"pressure","value":1,"unit":"bar","ts":"2024-05-01T10:00:00Z"},
      {"deviceId":"${device}","metric":"pressure","value":1,"unit":"bar","ts":"2999-01-01T00:00:00Z"},
      {"deviceId":"${device}","metric":"temperature","value":1,"unit":"psi","ts":"2024-05-01T10:00:00Z"}
    ]`;
    const answer = await post('/v1/ingest/telemetry', body);
    assert.equal(answer.status, 202);
    const result = answer.json as unknown as IngestAnswer;
    assert.deepEqual(
      result.results.map((r) => (r.status === 'accepted' ? r.status : r.reason)),
      [
        'accepted',
        'unit_unknown',
        'value_out_of_range',
        'value_not_finite',
        'id_invalid',
        'time_in_future',
        'unit_mismatch',
      ],
    );
    const rejected = result.results[1] as { message: string };
    assert.equal(rejected.message, 'unit "furlongs" is not in the unit table');
    assert.equal(result.accepted, 1);
    // every reading is in the raw topic, as sent; the processor dead-letters the refused ones
    const readings = await readingsOf(device, 7);
    assert.deepEqual(new Set(readings.map((r) => r.eventId)), new Set(result.results.map((r) => r.eventId)));
  });

  it('answers a wrong content type with 415', async () => {
    const answer = await post('/v1/ingest/telemetry', 'deviceId,metric\n', { 'content-type': 'text/csv' });
    assert.equal(answer.status, 415);
    assert.match(String(answer.json.message), /send application\/json or application\/x-ndjson/);
    const csvAsJson = await post('/v1/ingest/telemetry/csv', '{}');
    assert.equal(csvAsJson.status, 415);
  });

  it('answers a missing or unknown API key with 401 and a key without the ingest role with 403', async () => {
    const body = '{"deviceId":"d","metric":"temperature","value":1}';
    const missing = await fetch(`${gateway.url}/v1/ingest/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(missing.status, 401);
    assert.match(((await missing.json()) as { message: string }).message, /X-API-Key/);
    const unknown = await post('/v1/ingest/telemetry', body, {
      'x-api-key': `sk_00000000_${'A'.repeat(43)}`,
    });
    assert.equal(unknown.status, 401);
    const wrongRole = await post('/v1/ingest/telemetry', body, { 'x-api-key': readKey });
    assert.equal(wrongRole.status, 403);
    assert.match(String(wrongRole.json.message), /needs the ingest role/);
    const bearer = await post('/v1/ingest/telemetry', body, {
      'x-api-key': '',
      authorization: `Bearer ${ingestKey}`,
    });
    assert.equal(bearer.status, 202);
  });

  it('answers a body over 5 MB and more than 10,000 readings with 413', async () => {
    const tooBig = await post('/v1/ingest/telemetry', Buffer.alloc(5 * 1024 * 1024 + 1, 0x20));
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.json.error, 'body_too_large');
    const many = JSON.stringify(
      Array.from({ length: 10_001 }, (_, i) => ({ deviceId: 'd', metric: 'm', value: i })),
    );
    const tooMany = await post('/v1/ingest/telemetry', many);
    assert.equal(tooMany.status, 413);
    assert.equal(tooMany.json.error, 'too_many_items');
  });
});
