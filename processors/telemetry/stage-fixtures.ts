import { loadSettings } from '../../lib/config.ts';
import { rawReading } from '../../schemas/raw-telemetry-reading.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { type StageSettings, telemetrySettings } from './config.ts';

/** The stage settings as a fresh install has them (the defaults), for table-driven stage tests. */
export const defaultStageSettings: StageSettings = loadSettings(telemetrySettings, {});

export const receivedAt = Date.parse('2026-11-21T08:15:31.000Z');

/** A valid raw reading as the MQTT bridge would publish it, with the given fields replaced. */
export function reading(overrides: Partial<RawTelemetryReading> = {}): RawTelemetryReading {
  return {
    ...rawReading(
      {
        source: 'mqtt',
        deviceId: 'boiler-7',
        siteId: 'plant-north',
        metric: 'Temp_F',
        value: 180.5,
        unit: 'degF',
        sourceTime: '2026-11-21T09:15:30.250+01:00',
        messageId: 'm-000123',
        contentType: 'application/json',
        payload: Buffer.from('{"value":180.5,"unit":"degF","ts":"2026-11-21T09:15:30.250+01:00"}'),
        attributes: { 'mqtt.topic': 'sites/plant-north/devices/boiler-7/metrics/Temp_F' },
      },
      receivedAt,
    ),
    ...overrides,
  };
}
