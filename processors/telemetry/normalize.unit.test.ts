import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findMetric, snakeCase } from '../../lib/telemetry/metric-names.ts';
import { parseSourceTime } from '../../lib/telemetry/source-time.ts';
import { findUnit, findUnitByUneceCode, roundToTwelveDigits } from '../../lib/telemetry/units.ts';
import { validate } from '../../lib/telemetry/validate.ts';
import { seededRandom } from '../../test/telemetry-load.ts';
import { normalize } from './normalize.ts';
import { defaultStageSettings, reading } from './stage-fixtures.ts';

function normalized(overrides: Parameters<typeof reading>[0], temperatureUnit: 'degC' | 'K' = 'degC') {
  const validated = validate(reading(overrides), defaultStageSettings);
  assert.ok(validated.ok, validated.ok ? '' : validated.rejection.message);
  return normalize(validated.value, { temperatureUnit });
}

describe('normalize: units to canonical SI', () => {
  const conversions: [string, string, number, string, number][] = [
    // metric, unit as sent, value as sent, canonical unit, canonical value
    ['Temp_F', 'degF', 180.5, 'degC', 82.5],
    ['temperature', '°F', 32, 'degC', 0],
    ['temperature', '℉', -40, 'degC', -40],
    ['temperature', 'K', 293.15, 'degC', 20],
    ['temperature', 'Cel', 21.5, 'degC', 21.5],
    ['pressure', 'psi', 14.6959487755, 'kPa', 101.325],
    ['pressure', 'bar', 2.5, 'kPa', 250],
    ['pressure', 'mbar', 1013.25, 'kPa', 101.325],
    ['pressure', 'MPa', 0.4, 'kPa', 400],
    ['flow', 'l/min', 600, 'm3/s', 0.01],
    ['flow', 'm³/h', 36, 'm3/s', 0.01],
    ['flow', 'gpm', 100, 'm3/s', 0.00630901964],
    ['flowRate', 'L/s', 2, 'm3/s', 0.002],
    ['energy', 'Wh', 1500, 'kWh', 1.5],
    ['energy', 'MWh', 2.25, 'kWh', 2250],
    ['energy', 'MJ', 36, 'kWh', 10],
    ['power', 'W', 750, 'kW', 0.75],
    ['power', 'hp', 1, 'kW', 0.745699871582],
    ['voltage', 'kV', 11, 'V', 11_000],
    ['current', 'mA', 20, 'A', 0.02],
    ['RH', '%RH', 45, '%', 45],
    ['wind', 'km/h', 36, 'm/s', 10],
  ];
  for (const [metric, unit, value, canonicalUnit, canonicalValue] of conversions) {
    it(`${value} ${unit} (${metric}) → ${canonicalValue} ${canonicalUnit}`, () => {
      const result = normalized({ metric, unit, value });
      assert.equal(result.unit, canonicalUnit);
      assert.ok(
        Math.abs(result.value - canonicalValue) < 1e-9 * Math.max(1, Math.abs(canonicalValue)),
        `${result.value}`,
      );
      assert.equal(result.originalValue, value);
      assert.equal(result.originalUnit, unit);
    });
  }

  it('gives temperatures in kelvin when configured', () => {
    const result = normalized({ metric: 'temperature', unit: 'degF', value: 212 }, 'K');
    assert.equal(result.unit, 'K');
    assert.equal(result.value, 373.15);
  });

  it('rounds converted values to 12 significant digits as toPrecision does', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 100_000; i++) {
      const value = (random() - 0.5) * 10 ** Math.floor(random() * 26 - 13) * (5 / 9);
      assert.equal(roundToTwelveDigits(value), Number(value.toPrecision(12)), String(value));
    }
    for (const value of [0, 1, 10, 1e10, 99_999_999_999.5, 1e11, 1e-10, 9.99e-11, 82.50000000000001]) {
      assert.equal(roundToTwelveDigits(value), Number(value.toPrecision(12)), String(value));
      assert.equal(roundToTwelveDigits(-value), Number((-value).toPrecision(12)), String(-value));
    }
  });

  it('finds units by exact spelling, then case-insensitively only where unambiguous', () => {
    assert.equal(findUnit('KWH')?.symbol, 'kWh');
    assert.equal(findUnit(' l/MIN ')?.symbol, 'l/min');
    assert.equal(findUnit('MW')?.symbol, 'MW');
    assert.equal(findUnit('mW')?.symbol, 'mW');
    assert.equal(findUnit('mw'), undefined);
    assert.equal(findUnit('parsecs'), undefined);
  });

  it('finds units by their UN/CEFACT common code (OPC UA EngineeringUnits)', () => {
    assert.deepEqual(
      ['CEL', 'FAH', 'KPA', 'BAR', 'MQH', 'L2', 'KWH', 'P1', 'RPM'].map(
        (code) => findUnitByUneceCode(code)?.symbol,
      ),
      ['degC', 'degF', 'kPa', 'bar', 'm3/h', 'l/min', 'kWh', '%', 'rpm'],
    );
    assert.equal(findUnitByUneceCode('XYZ'), undefined);
  });
});

describe('normalize: metric names', () => {
  const names: [string, string][] = [
    ['Temp_F', 'temperature'],
    ['tempF', 'temperature'],
    ['TEMPERATURE', 'temperature'],
    ['Flow Rate', 'flow_rate'],
    ['flowRate', 'flow_rate'],
    ['rh', 'humidity'],
    ['activePower', 'power'],
    ['Bearing Temp-2', 'bearing_temp_2'],
  ];
  for (const [sent, canonical] of names) {
    it(`${sent} → ${canonical}`, () => {
      assert.equal(findMetric(sent, 'temperature')?.name, canonical);
    });
  }

  it('snake_cases what it does not know', () => {
    assert.equal(snakeCase('  Motor.Current__L1 '), 'motor_current_l1');
  });
});

describe('normalize: timestamps to UTC epoch milliseconds', () => {
  const utc = Date.parse('2026-11-21T08:15:30.250Z');
  const times: [string, string, number][] = [
    ['epoch seconds', '1795767330', Date.parse('2026-11-27T08:15:30Z')],
    ['epoch seconds with fraction', '1795767330.25', Date.parse('2026-11-27T08:15:30.250Z')],
    ['epoch milliseconds', String(utc), utc],
    ['epoch microseconds', `${utc}123`, utc],
    ['epoch nanoseconds', `${utc}123456`, utc],
    ['ISO-8601 Z', '2026-11-21T08:15:30.250Z', utc],
    ['ISO-8601 +01:00', '2026-11-21T09:15:30.250+01:00', utc],
    ['ISO-8601 -05:30 over midnight', '2026-11-21T02:45:30.250-05:30', utc],
    ['ISO-8601 +0100 without colon', '2026-11-21T09:15:30.250+0100', utc],
    ['ISO-8601 nanosecond fraction', '2026-11-21T08:15:30.250999999Z', utc],
    ['ISO-8601 with space, no seconds', '2026-11-21 08:15Z', Date.parse('2026-11-21T08:15:00Z')],
    ['lower-case z', '2026-11-21t08:15:30.250z', utc],
    ['leap day', '2028-02-29T12:00:00Z', Date.parse('2028-02-29T12:00:00Z')],
    ['leap day of a year divisible by 400', '2000-02-29T00:00:00Z', Date.parse('2000-02-29T00:00:00Z')],
    ['last day of a 31-day month', '2026-12-31T23:59:59.999Z', Date.parse('2026-12-31T23:59:59.999Z')],
  ];
  for (const [name, text, expected] of times) {
    it(name, () => {
      assert.deepEqual(parseSourceTime(text), { ok: true, epochMs: expected });
    });
  }

  const invalid = [
    '2026-11-21T08:15:30',
    '2026-13-01T00:00:00Z',
    '2026-11-21T24:00:00Z',
    '2026-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '0050-01-01T00:00:00Z',
    '2026-11-21T08:60:00Z',
    '2026-11-21T08:00:00+19:00',
    // the toISOString form, which is read by position
    '2026-02-29T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-11-21T24:00:00.000Z',
    '0050-01-01T00:00:00.000Z',
    '2026-11-2xT08:15:30.250Z',
    '2026-11-21T08:15:30.2-0Z',
    '２026-11-21T08:15:30.250Z',
    'NaN',
    '',
    '1e12',
    '17637093302501234567890',
  ];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.equal(parseSourceTime(text).ok, false);
    });
  }

  it('falls back to the receive time without a source time', () => {
    const result = normalized({ sourceTime: null });
    assert.equal(result.sourceTime, result.receivedAt);
    assert.ok(result.flags.includes('no_source_time'));
  });
});
