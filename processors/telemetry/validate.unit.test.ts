import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { opcuaSeverity, validate } from '../../lib/telemetry/validate.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import { defaultStageSettings, reading } from './stage-fixtures.ts';

describe('validate', () => {
  it('accepts a well-formed reading and records what it parsed', () => {
    const result = validate(reading(), defaultStageSettings);
    assert.ok(result.ok);
    assert.equal(result.value.metric.name, 'temperature');
    assert.equal(result.value.unit.symbol, 'degF');
    assert.equal(result.value.sourceTime, Date.parse('2026-11-21T08:15:30.250Z'));
    assert.deepEqual(result.value.flags, []);
  });

  const rejected: [string, Parameters<typeof reading>[0], string, RegExp?][] = [
    [
      'SQL injection in the device id',
      { deviceId: "boiler'); DROP TABLE devices;--" },
      'id_invalid',
      /outside/,
    ],
    ['script tag in the site id', { siteId: '<script>alert(1)</script>' }, 'id_invalid'],
    ['path traversal in the device id', { deviceId: '../../etc/passwd' }, 'id_invalid'],
    ['a .. segment in the device id', { deviceId: 'plant/../etc' }, 'id_invalid'],
    ['an empty segment in the device id', { deviceId: 'plant//boiler' }, 'id_invalid'],
    ['unicode look-alike in the device id', { deviceId: 'bоiler-7' }, 'id_invalid'],
    ['zero-width space in the device id', { deviceId: 'boiler\u200b7' }, 'id_invalid'],
    ['newline in the message id', { messageId: 'm-1\nX-Injected: 1' }, 'id_invalid'],
    ['device id of 129 characters', { deviceId: 'd'.repeat(129) }, 'id_invalid', /129 characters/],
    ['empty device id', { deviceId: '' }, 'field_missing'],
    ['emoji metric', { metric: 'temp🔥' }, 'id_invalid'],
    ['empty metric', { metric: '' }, 'field_missing'],
    [
      '65 attributes',
      { attributes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) },
      'attributes_too_large',
    ],
    ['attribute key of 129 characters', { attributes: { ['k'.repeat(129)]: 'v' } }, 'attributes_too_large'],
    ['attribute value of 1025 characters', { attributes: { k: 'v'.repeat(1025) } }, 'attributes_too_large'],
    ['no value', { value: null }, 'value_missing'],
    ['NaN', { value: Number.NaN }, 'value_not_finite'],
    ['+Infinity', { value: Number.POSITIVE_INFINITY }, 'value_not_finite'],
    [
      'below absolute zero in °C',
      { metric: 'temperature', value: -274, unit: '°C' },
      'value_out_of_range',
      /absolute zero/,
    ],
    ['below absolute zero in °F', { value: -460, unit: 'degF' }, 'value_out_of_range'],
    ['negative kelvin', { metric: 'temperature', value: -1, unit: 'K' }, 'value_out_of_range'],
    ['humidity above 100 %', { metric: 'RH', value: 104, unit: '%' }, 'value_out_of_range'],
    ['unknown unit', { unit: 'furlongs/fortnight' }, 'unit_unknown'],
    ['ambiguous unit case (mw)', { metric: 'power', unit: 'mw', value: 3 }, 'unit_unknown'],
    ['temperature in psi', { metric: 'temperature', unit: 'psi', value: 30 }, 'unit_mismatch'],
    ['unknown metric without unit', { metric: 'vibration', unit: null }, 'unit_missing'],
    ['time a day ahead of receipt', { sourceTime: '2026-11-22T08:15:31Z' }, 'time_in_future'],
    ['ISO time without offset', { sourceTime: '2026-11-21T08:15:30' }, 'time_invalid', /no UTC offset/],
    ['30 February', { sourceTime: '2026-02-30T08:00:00Z' }, 'time_invalid', /not a real date/],
    ['free text time', { sourceTime: 'yesterday' }, 'time_invalid'],
    ['clock reset to 1970', { sourceTime: '0' }, 'time_too_old'],
    ['oversized payload', { payload: Buffer.alloc(65_537) }, 'payload_too_large'],
    [
      'device id decoded from invalid UTF-8',
      {
        deviceId: 'd\uFFFD\uFFFD1',
        payload: Buffer.concat([
          Buffer.from('{"deviceId":"d'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('1"}'),
        ]),
      },
      'invalid_utf8',
      /deviceId is not valid UTF-8: the payload has an invalid byte 0xff at offset 14/,
    ],
    [
      'too many attributes',
      { attributes: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`a${i}`, 'x'])) },
      'attributes_too_large',
    ],
    [
      'OPC UA BadSensorFailure',
      { attributes: { [telemetryAttributes.opcuaStatusCode]: '0x808C0000' } },
      'bad_status',
    ],
  ];
  for (const [name, overrides, code, message] of rejected) {
    it(`rejects ${name} with ${code}`, () => {
      const result = validate(reading(overrides), defaultStageSettings);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.rejection.stage, 'validate');
      assert.equal(result.rejection.code, code);
      if (message) assert.match(result.rejection.message, message);
    });
  }

  const flagged: [string, Parameters<typeof reading>[0], string][] = [
    ['no source time', { sourceTime: null }, 'no_source_time'],
    ['a known metric without unit', { metric: 'pressure', unit: null, value: 101 }, 'unit_missing'],
    ['a source time 10 s ahead', { sourceTime: '2026-11-21T08:15:41Z' }, 'clock_skew'],
    [
      'OPC UA Uncertain',
      { attributes: { [telemetryAttributes.opcuaStatusCode]: 'UncertainLastUsableValue' } },
      'uncertain_status',
    ],
  ];
  for (const [name, overrides, flag] of flagged) {
    it(`keeps ${name}, flagged ${flag}`, () => {
      const result = validate(reading(overrides), defaultStageSettings);
      assert.ok(result.ok);
      assert.ok(result.value.flags.includes(flag));
    });
  }

  it('names the OPC UA status of a Bad value', () => {
    const result = validate(
      reading({
        attributes: {
          [telemetryAttributes.opcuaStatusCode]: '0x808C0000',
          [telemetryAttributes.opcuaStatusName]: 'BadSensorFailure',
        },
      }),
      defaultStageSettings,
    );
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.rejection.code, 'bad_status');
    assert.equal(result.rejection.message, 'OPC UA status "BadSensorFailure (0x808C0000)" is Bad');
  });

  it('accepts device ids of /-separated segments (Sparkplug B group/edge node/device)', () => {
    assert.ok(validate(reading({ deviceId: 'Plant1/Edge-7/Boiler.3' }), defaultStageSettings).ok);
  });

  it('keeps an OPC UA Bad value flagged when configured to', () => {
    const result = validate(
      reading({ attributes: { [telemetryAttributes.opcuaStatusCode]: '2156593152' } }),
      {
        ...defaultStageSettings,
        opcuaBadStatus: 'flag',
      },
    );
    assert.ok(result.ok);
    assert.deepEqual(result.value.flags, ['bad_status']);
  });

  it('accepts unicode unit symbols and boundary values', () => {
    for (const [unit, value] of [
      ['℃', -273.15],
      ['°F', -459.67],
      ['K', 0],
    ] as const) {
      assert.ok(
        validate(reading({ metric: 'temperature', unit, value }), defaultStageSettings).ok,
        `${value} ${unit}`,
      );
    }
  });

  it('reads OPC UA status severities from numbers, hex and names', () => {
    assert.deepEqual(
      [
        '0',
        '0x40000000',
        '0x80000000',
        'Good',
        'GoodClamped',
        'UncertainInitialValue',
        'BadTimeout',
        '???',
      ].map(opcuaSeverity),
      ['good', 'uncertain', 'bad', 'good', 'good', 'uncertain', 'bad', 'bad'],
    );
  });
});
