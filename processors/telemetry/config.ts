import { z } from 'zod';
import { defineSettings, oneOf, positiveInt, type SettingsOf, setting } from '../../lib/config.ts';
import { topics } from '../../schemas/catalog.ts';
import { runnerSettings } from '../runner/config.ts';

const isoInstant = z.string().transform((text, ctx) => {
  const value = Date.parse(text.trim());
  if (!/T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim()) || Number.isNaN(value)) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an ISO-8601 instant with offset, e.g. 2000-01-01T00:00:00Z',
    });
  }
  return value;
});

export const telemetrySettings = defineSettings('telemetry processor', {
  ...runnerSettings('PROCESSOR_TELEMETRY', {
    inputTopic: topics.rawTelemetry.topic,
    outputTopic: topics.normalizedTelemetry.topic,
    groupId: 'sluice-telemetry-processor',
    threads: '2',
  }),
  temperatureUnit: setting(
    'PROCESSOR_TELEMETRY_TEMPERATURE_UNIT',
    oneOf(['degC', 'K']),
    'degC',
    'Canonical temperature unit of normalized readings.',
  ),
  maxFutureSkewMs: setting(
    'PROCESSOR_TELEMETRY_MAX_FUTURE_SKEW_MS',
    positiveInt,
    '300000',
    'A source time further than this ahead of the receive time is rejected (device clock wrong).',
  ),
  clockSkewFlagMs: setting(
    'PROCESSOR_TELEMETRY_CLOCK_SKEW_FLAG_MS',
    positiveInt,
    '5000',
    'A source time this far ahead of the receive time (but within the maximum) is kept and flagged clock_skew.',
  ),
  minSourceTime: setting(
    'PROCESSOR_TELEMETRY_MIN_SOURCE_TIME',
    isoInstant,
    '2000-01-01T00:00:00Z',
    'Source times before this are rejected (a device clock reset to 1970 is not a reading time).',
  ),
  staleAfterMs: setting(
    'PROCESSOR_TELEMETRY_STALE_AFTER_MS',
    positiveInt,
    '300000',
    'A reading received this long after it was taken starts losing quality score (flag stale).',
  ),
  maxPayloadBytes: setting(
    'PROCESSOR_TELEMETRY_MAX_PAYLOAD_BYTES',
    positiveInt,
    '65536',
    'Largest original payload accepted per reading.',
  ),
  opcuaBadStatus: setting(
    'PROCESSOR_TELEMETRY_OPCUA_BAD_STATUS',
    oneOf(['reject', 'flag']),
    'reject',
    'What to do with an OPC UA value whose status code is Bad: send it to the DLQ, or keep it flagged bad_status.',
  ),
  deviceRefreshMs: setting(
    'PROCESSOR_TELEMETRY_DEVICE_REFRESH_MS',
    positiveInt,
    '60000',
    'How often the in-memory copy of the device registry (PostgreSQL devices table) is reloaded.',
  ),
});

export type TelemetrySettings = SettingsOf<typeof telemetrySettings>;

/** The settings the pure stages read (the rest belongs to the runner and the device directory). */
export type StageSettings = Pick<
  TelemetrySettings,
  | 'temperatureUnit'
  | 'maxFutureSkewMs'
  | 'clockSkewFlagMs'
  | 'minSourceTime'
  | 'staleAfterMs'
  | 'maxPayloadBytes'
  | 'opcuaBadStatus'
>;
