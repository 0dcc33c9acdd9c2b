import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { readSchema } from '../schemas/catalog.ts';
import { AvroEncoder, avroType, decodeAvro, formatDecimal, parseDecimal } from './avro.ts';

describe('decimal logical type', () => {
  const money = avroType({ type: 'bytes', logicalType: 'decimal', precision: 38, scale: 12 });

  it('round-trips exact decimal strings', () => {
    for (const value of [
      '0',
      '1',
      '-1',
      '0.0000125',
      '123456.789',
      '-0.000000000001',
      '99999999999999999999999999.999999999999',
      '127',
      '-128',
      '128',
      '-129',
    ]) {
      assert.equal(money.fromBuffer(money.toBuffer(value)), value);
    }
  });

  it('accepts numbers and exponents without float noise', () => {
    assert.equal(money.fromBuffer(money.toBuffer(0.1)), '0.1');
    assert.equal(money.fromBuffer(money.toBuffer('1.25e-7')), '0.000000125');
    assert.equal(money.fromBuffer(money.toBuffer('12E3')), '12000');
  });

  it('refuses what it cannot hold exactly', () => {
    assert.throws(() => money.toBuffer('0.0000000000001'), /more than 12 decimal places/);
    assert.throws(() => money.toBuffer('1'.repeat(39)), /more than 38 digits/);
    assert.throws(() => money.toBuffer('12,5'), /not a decimal/);
    assert.throws(() => money.toBuffer(Number.NaN), /not a decimal/);
  });

  it('uses the two’s-complement bytes the Avro spec defines', () => {
    const cents = avroType({ type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 });
    // unscaled -1 → 0xff; unscaled 255 → 0x00ff
    assert.deepEqual([...cents.toBuffer('-0.01')], [2, 0xff]);
    assert.deepEqual([...cents.toBuffer('2.55')], [4, 0x00, 0xff]);
    assert.equal(parseDecimal('2.55', 2), 255n);
    assert.equal(formatDecimal(-5n, 3), '-0.005');
  });

  it('is an optional field’s branch like any other type', () => {
    const decimal = { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 };
    const optional = avroType(['null', decimal] as avro.Schema);
    assert.deepEqual([...optional.toBuffer('-0.01')], [2, ...avroType(decimal).toBuffer('-0.01')]);
    assert.deepEqual([...optional.toBuffer(null)], [0]);
    assert.equal(decodeAvro(optional, optional.toBuffer('2.55')), '2.55');
    assert.throws(() => optional.toBuffer('lots'), /invalid/);
  });
});

/** Decoded records are instances of generated classes, ours or avsc's: compare their data only. */
function plain(value: unknown): unknown {
  return structuredClone(value);
}

const everything = {
  type: 'record',
  name: 'Everything',
  namespace: 'test',
  fields: [
    { name: 'text', type: 'string' },
    { name: 'count', type: 'long' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'small', type: 'int' },
    { name: 'ratio', type: 'float' },
    { name: 'value', type: 'double' },
    { name: 'flag', type: 'boolean' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b', 'c'] } },
    { name: 'payload', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'labels', type: { type: 'map', values: 'string' } },
    { name: 'counts', type: { type: 'map', values: 'long' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'maybeText', type: ['null', 'string'] },
    { name: 'maybeLong', type: ['null', 'long'] },
    { name: 'maybeDouble', type: ['null', 'double'] },
    { name: 'maybeFlag', type: ['null', 'boolean'] },
    { name: 'maybeKind', type: ['null', 'Kind'] },
    { name: 'maybeBytes', type: ['null', 'bytes'] },
    { name: 'maybeLabels', type: ['null', { type: 'map', values: 'string' }] },
    { name: 'maybeList', type: ['null', { type: 'array', items: 'long' }] },
    {
      name: 'maybeInner',
      type: ['null', { type: 'record', name: 'Inner', fields: [{ name: 'name', type: 'string' }] }],
    },
    { name: 'textOrNull', type: ['string', 'null'] },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

const ours = avroType(everything);
const stock = avro.Type.forSchema(everything as unknown as avro.Schema);

const base = {
  text: 'degC',
  count: 42,
  at: 1_763_709_330_400,
  small: -7,
  ratio: 0.5,
  value: 180.5,
  flag: true,
  kind: 'b',
  payload: Buffer.from('{"value":180.5}'),
  hash: Buffer.from([1, 2, 3, 4]),
  labels: { 'mqtt.topic': 'sites/plant-north/devices/boiler-7', qos: '1' },
  counts: { a: 1, b: -1 },
  tags: ['x', 'y'],
  maybeText: 'plant-north',
  maybeLong: 1_048_576,
  maybeDouble: 13.405,
  maybeFlag: false,
  maybeKind: 'c',
  maybeBytes: Buffer.from([0, 255]),
  maybeLabels: { line: 'A' },
  maybeList: [1, 2],
  maybeInner: { name: 'inner' },
  textOrNull: 'first branch',
  note: null,
};

const strings = [
  '',
  'a',
  'degC',
  'x'.repeat(15),
  'x'.repeat(16),
  'x'.repeat(17),
  '4bf92f3577b34da6a3ce929d0e0e4736',
  'y'.repeat(63),
  'y'.repeat(64),
  'y'.repeat(65),
  'z'.repeat(127),
  'z'.repeat(128),
  'z'.repeat(200),
  'w'.repeat(8191),
  'w'.repeat(8192),
  'w'.repeat(10_000),
  'tab\there, nul \u0000, del \u007f',
  'Temp °F',
  'Ωmega',
  '温度',
  'emoji 🌡️ in a string long enough for the native path',
  `${'a'.repeat(40)}é`,
  '\ud800',
  `lone \ud800 surrogate past the short-string length`,
  `${'é'.repeat(70)}`,
];

const longs = [
  0,
  1,
  -1,
  63,
  64,
  -65,
  2 ** 30 - 1,
  2 ** 30,
  -(2 ** 30),
  -(2 ** 30) - 1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 35 + 12_345,
  1_763_709_330_400,
  -1_763_709_330_400,
  2 ** 52,
  9_007_199_254_740_990,
  -9_007_199_254_740_990,
];

const doubles = [0, -0, 1.5, -180.5, 1e-310, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NaN];

/** The base record with each string, double and long in every place that holds one. */
function variants(): Record<string, unknown>[] {
  const values: Record<string, unknown>[] = [base];
  for (const s of strings) {
    values.push({
      ...base,
      text: s,
      labels: { [s]: s, other: s },
      tags: [s, s],
      maybeText: s,
      maybeLabels: { [s]: s },
      maybeInner: { name: s },
      textOrNull: s,
      note: s,
    });
  }
  for (const x of doubles) values.push({ ...base, value: x, ratio: x, maybeDouble: x });
  for (const n of longs) {
    values.push({ ...base, count: n, at: n, counts: { [String(n)]: n }, maybeLong: n, maybeList: [n] });
  }
  values.push({
    ...base,
    labels: {},
    counts: {},
    tags: [],
    maybeText: null,
    maybeLong: null,
    maybeDouble: null,
    maybeFlag: null,
    maybeKind: null,
    maybeBytes: null,
    maybeLabels: null,
    maybeList: null,
    maybeInner: null,
    textOrNull: null,
  });
  const { note: _, ...withoutDefaulted } = base;
  values.push(withoutDefaulted);
  return values;
}

describe('fast Avro types', () => {
  it('write the same bytes as stock avsc and read back the same values', () => {
    for (const value of variants()) {
      const label = JSON.stringify(value).slice(0, 120);
      const bytes = stock.toBuffer(value);
      assert.deepEqual(ours.toBuffer(value), bytes, label);
      assert.deepEqual(plain(decodeAvro(ours, bytes)), plain(stock.fromBuffer(bytes)), label);
      assert.deepEqual(plain(ours.fromBuffer(bytes)), plain(stock.fromBuffer(bytes)), label);
    }
  });

  it('refuse the values stock avsc refuses', () => {
    const invalid: Record<string, unknown>[] = [
      { text: 5 },
      { count: 1.5 },
      { count: 2 ** 60 },
      { count: '1' },
      { count: Number.NaN },
      { at: null },
      { labels: [] },
      { labels: { a: 1 } },
      { labels: null },
      { maybeText: 5 },
      { maybeLong: 'x' },
      { maybeLong: 0.5 },
      { maybeDouble: '1' },
      { maybeFlag: 0 },
      { maybeKind: 'z' },
      { maybeBytes: 'bytes' },
      { maybeLabels: ['a'] },
      { maybeInner: [] },
      { maybeInner: {} },
      { textOrNull: undefined },
    ];
    for (const change of invalid) {
      const value = { ...base, ...change };
      assert.throws(() => stock.toBuffer(value), JSON.stringify(change));
      assert.throws(() => ours.toBuffer(value), JSON.stringify(change));
      assert.throws(() => new AvroEncoder().encode(ours, value, Buffer.alloc(0)), JSON.stringify(change));
      assert.equal(ours.isValid(value), false, JSON.stringify(change));
    }
  });

  it('decodeAvro throws on every truncation of a body and on trailing bytes', () => {
    for (const value of [base, variants()[9] as Record<string, unknown>]) {
      const bytes = stock.toBuffer(value);
      for (let length = 0; length < bytes.length; length++) {
        assert.throws(() => decodeAvro(ours, bytes.subarray(0, length)), /truncated|invalid/, `${length}`);
      }
      assert.throws(() => decodeAvro(ours, Buffer.concat([bytes, Buffer.from([0])])), /trailing data/);
      assert.deepEqual(plain(decodeAvro(ours, Buffer.concat([Buffer.from([9, 9]), bytes]), 2)), plain(value));
    }
  });
  it('decodeAvro reads bytes as views on the body, equal to what avsc copies out', () => {
    const bytes = stock.toBuffer(base);
    const decoded = decodeAvro(ours, bytes) as { payload: Buffer };
    assert.deepEqual(decoded.payload, (stock.fromBuffer(bytes) as { payload: Buffer }).payload);
    assert.equal(decoded.payload.buffer, bytes.buffer);
  });

  it('decodeAvro throws on garbage instead of hanging or returning junk silently', {
    timeout: 10_000,
  }, () => {
    const raw = avroType(readSchema('raw.telemetry.readings.v1.avsc'));
    assert.throws(() => decodeAvro(raw, Buffer.from('{"deviceId":"boiler-7","value":1}')));
    // a map count of 2^62 in a body of a few bytes ends at the body's end
    const hugeMap = avroType({ type: 'map', values: 'string' });
    assert.throws(() =>
      decodeAvro(hugeMap, Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 2])),
    );
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed >>> 24;
    };
    for (let i = 0; i < 500; i++) {
      const garbage = Buffer.from(Array.from({ length: 1 + (i % 80) }, random));
      try {
        const value = decodeAvro(raw, garbage);
        assert.deepEqual(raw.toBuffer(value).length > 0, true); // whatever decodes is a valid value
      } catch (err) {
        assert.ok(err instanceof Error);
      }
    }
  });

  it('tells ASCII strings from the others wherever they sit in memory, next to any bytes', () => {
    const type = avroType('string');
    const stock = avro.Type.forSchema('string');
    const pieces = ['a', 'Z', '~', '\u0000', 'é', '€', '😀'];
    const texts = [''];
    for (let length = 1; length <= 9; length++) {
      for (let i = 0; i < 12; i++) {
        texts.push(Array.from({ length }, (_, j) => pieces[(i * 7 + j * (i + 1)) % pieces.length]).join(''));
      }
      texts.push(`${'a'.repeat(length - 1)}é`, `é${'a'.repeat(length - 1)}`);
    }
    const bodies = texts.map((text) => type.toBuffer(text));
    // and ill-formed UTF-8: one byte past 0x7f anywhere among ASCII bytes
    for (let length = 1; length <= 9; length++) {
      for (let at = 0; at < length; at++) {
        const bytes = Buffer.alloc(length, 'a');
        bytes[at] = 0x80;
        bodies.push(Buffer.concat([Buffer.from([length * 2]), bytes]));
      }
    }
    for (const body of bodies) {
      const expected = stock.fromBuffer(body);
      for (let offset = 0; offset < 4; offset++) {
        for (let start = 0; start < 5; start++) {
          for (const after of [0, 8]) {
            // bytes past 0x7f all around the body in the same memory, outside the Buffer too
            const memory = Buffer.alloc(offset + start + body.length + after, 0xff);
            const buffer = memory.subarray(offset, offset + start + body.length);
            body.copy(buffer, start);
            const label = `${body.toString('hex')} ${offset} ${start} ${after}`;
            assert.equal(decodeAvro(type, buffer, start), expected, label);
          }
        }
      }
    }
  });

  it('reads strings past the latin1 window and around large bytes', () => {
    const type = avroType({
      type: 'record',
      name: 'Big',
      fields: [
        { name: 'head', type: 'string' },
        { name: 'blob', type: 'bytes' },
        { name: 'lines', type: { type: 'array', items: 'string' } },
      ],
    });
    const value = {
      head: 'h'.repeat(20),
      blob: Buffer.alloc(5000, 0xc3),
      lines: Array.from({ length: 300 }, (_, i) => `line ${i} ${'é'.repeat(i % 3)}${'x'.repeat(i % 40)}`),
    };
    assert.deepEqual(plain(decodeAvro(type, type.toBuffer(value))), plain(value));
  });

  it('reads many distinct, colliding, long and non-ASCII map keys', () => {
    const type = avroType({ type: 'map', values: 'long' });
    const map: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) map[`key-${i}`] = i;
    map['k'.repeat(32)] = 32;
    map['k'.repeat(33)] = 33;
    map.clé = 1;
    map[''] = 0;
    const bytes = type.toBuffer(map);
    for (let round = 0; round < 2; round++) assert.deepEqual(decodeAvro(type, bytes), map);
    const other = { 'key-1': 5, 'key-2': 6, 'kez-1': 7 };
    assert.deepEqual(decodeAvro(type, type.toBuffer(other)), other);
  });

  it('resolves a value written with another version of the schema', () => {
    const v1 = {
      type: 'record',
      name: 'Reading',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'unit', type: ['null', 'string'], default: null },
      ],
    };
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'firmware', type: ['null', 'string'], default: null }],
    };
    const [oldType, newType] = [avroType(v1), avroType(v2)];
    const written = oldType.toBuffer({ id: 'boiler-7', unit: 'degC' });
    assert.deepEqual(plain(decodeAvro(newType.createResolver(oldType), written)), {
      id: 'boiler-7',
      unit: 'degC',
      firmware: null,
    });
    const newer = newType.toBuffer({ id: 'boiler-7', unit: null, firmware: '4.2.1' });
    assert.deepEqual(plain(decodeAvro(oldType.createResolver(newType), newer)), {
      id: 'boiler-7',
      unit: null,
    });
  });
});

describe('AvroEncoder', () => {
  it('hands out the prefix and the encoding, untouched by later values, across slabs', () => {
    const encoder = new AvroEncoder();
    const prefix = Buffer.from([0, 0, 0, 0, 42]);
    const values = variants();
    const outputs: [Buffer, Buffer][] = [];
    for (let i = 0; i < 3000; i++) {
      const value = values[i % values.length];
      outputs.push([encoder.encode(ours, value, prefix), Buffer.concat([prefix, stock.toBuffer(value)])]);
    }
    for (const [output, expected] of outputs) assert.deepEqual(output, expected);
  });
});
