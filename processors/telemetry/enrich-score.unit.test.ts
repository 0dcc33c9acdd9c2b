import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceRecord } from '../../lib/device-registry.ts';
import { validate } from '../../lib/telemetry/validate.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import { enrich } from './enrich.ts';
import { normalize } from './normalize.ts';
import { score } from './score.ts';
import { defaultStageSettings, reading } from './stage-fixtures.ts';

const boiler: DeviceRecord = {
  deviceId: 'boiler-7',
  siteId: 'plant-north',
  siteName: 'Plant North — Halle 3',
  deviceType: 'pt100-sensor',
  latitude: 52.52,
  longitude: 13.405,
  expectedUnit: 'degF',
  tags: { line: 'A', 'zone-名': '東' },
};
const registry = new Map([[boiler.deviceId, boiler]]);
const lookup = (id: string) => registry.get(id);

function normalized(overrides: Parameters<typeof reading>[0] = {}) {
  const validated = validate(reading(overrides), defaultStageSettings);
  assert.ok(validated.ok);
  return normalize(validated.value, defaultStageSettings);
}

describe('enrich', () => {
  it('adds site, type, location and tags of a registered device', () => {
    const enriched = enrich(normalized({ siteId: null }), lookup);
    assert.equal(enriched.siteId, 'plant-north');
    assert.deepEqual(enriched.enrichment, {
      known: true,
      siteName: 'Plant North — Halle 3',
      deviceType: 'pt100-sensor',
      latitude: 52.52,
      longitude: 13.405,
      tags: { line: 'A', 'zone-名': '東' },
    });
    assert.deepEqual(enriched.flags, []);
  });

  const flagged: [string, Parameters<typeof reading>[0], string[]][] = [
    ['an unknown device is kept and flagged', { deviceId: 'pump-99' }, ['unknown_device']],
    ['a unit other than the registry expects', { unit: '°C', value: 80 }, ['unit_mismatch']],
    ['a site other than the registry’s', { siteId: 'plant-south' }, ['site_mismatch']],
    ['the expected unit in another spelling is no mismatch', { unit: '°F' }, []],
  ];
  for (const [name, overrides, flags] of flagged) {
    it(name, () => {
      assert.deepEqual(enrich(normalized(overrides), lookup).flags, flags);
    });
  }
});

describe('score', () => {
  const cases: [string, Parameters<typeof reading>[0], string, number, string[]][] = [
    // name, reading, level, score, flags
    ['fresh reading of a fully registered device', {}, 'measured', 1, []],
    ['unknown device', { deviceId: 'pump-99' }, 'estimated', 0.5, ['unknown_device']],
    [
      'reading taken 20 minutes before receipt',
      { sourceTime: '2026-11-21T07:55:31Z' },
      'rough',
      0.25,
      ['stale'],
    ],
    ['no source time', { sourceTime: null }, 'estimated', 0.8, ['no_source_time']],
    [
      'OPC UA uncertain',
      { attributes: { [telemetryAttributes.opcuaStatusCode]: '0x40000000' } },
      'estimated',
      0.6,
      ['uncertain_status'],
    ],
    ['unit the registry does not expect', { unit: 'degC', value: 80 }, 'estimated', 0.5, ['unit_mismatch']],
  ];
  for (const [name, overrides, level, value, flags] of cases) {
    it(`${name} → ${level} ${value}`, () => {
      const reading = normalized(overrides);
      const quality = score(reading, enrich(reading, lookup), defaultStageSettings);
      assert.deepEqual(quality, { level, score: value, flags });
    });
  }

  it('lowers completeness for a registry entry without location and type', () => {
    const sparse = new Map([['boiler-7', { ...boiler, deviceType: null, latitude: null, longitude: null }]]);
    const reading = normalized();
    const quality = score(
      reading,
      enrich(reading, (id) => sparse.get(id)),
      defaultStageSettings,
    );
    assert.equal(quality.score, 0.85);
    assert.equal(quality.level, 'measured');
  });
});
