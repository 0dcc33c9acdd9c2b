import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { avroType, formatDecimal, parseDecimal } from './avro.ts';

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
});

describe('string encoding', () => {
  it('writes the same bytes as stock avsc, ASCII or not, short or long', () => {
    const schema = {
      type: 'record',
      name: 'S',
      fields: [
        { name: 's', type: 'string' },
        { name: 'm', type: { type: 'map', values: 'string' } },
      ],
    } as const;
    const ours = avroType(schema);
    const stock = avro.Type.forSchema(schema as unknown as avro.Schema);
    for (const s of [
      '',
      'degC',
      'x'.repeat(63),
      'x'.repeat(64),
      'y'.repeat(200),
      'Temp °F',
      'Ωmega',
      '温度',
      'emoji 🌡️',
      'tab\there',
    ]) {
      const value = { s, m: { [s]: s } };
      const bytes = ours.toBuffer(value);
      assert.deepEqual(bytes, stock.toBuffer(value), JSON.stringify(s));
      assert.deepEqual({ ...ours.fromBuffer(bytes) }, value);
    }
  });
});
