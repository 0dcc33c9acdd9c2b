import { defineSettings, oneOf, positiveInt, type SettingsOf, setting } from '../../lib/config.ts';
import { type ValidationSettings, validationSettings } from '../../lib/telemetry/settings.ts';
import { topics } from '../../schemas/catalog.ts';
import { runnerSettings } from '../runner/config.ts';

const processorSettings = defineSettings('telemetry processor', {
  ...runnerSettings('PROCESSOR_TELEMETRY', {
    inputTopic: topics.rawTelemetry.topic,
    outputTopic: topics.normalizedTelemetry.topic,
    groupId: 'sluice-telemetry-processor',
    threads: 'auto',
  }),
  temperatureUnit: setting(
    'PROCESSOR_TELEMETRY_TEMPERATURE_UNIT',
    oneOf(['degC', 'K']),
    'degC',
    'Canonical temperature unit of normalized readings.',
  ),
  staleAfterMs: setting(
    'PROCESSOR_TELEMETRY_STALE_AFTER_MS',
    positiveInt,
    '300000',
    'A reading received this long after it was taken starts losing quality score (flag stale).',
  ),
  deviceRefreshMs: setting(
    'PROCESSOR_TELEMETRY_DEVICE_REFRESH_MS',
    positiveInt,
    '60000',
    'How often the in-memory copy of the device registry (PostgreSQL devices table) is reloaded.',
  ),
});

/** What the telemetry processor reads: its own settings and the validation limits it shares with the producers. */
export const telemetrySettings = { ...processorSettings, ...validationSettings };

export type TelemetrySettings = SettingsOf<typeof telemetrySettings>;

/** The settings the pure stages read (the rest belongs to the runner and the device directory). */
export type StageSettings = Pick<TelemetrySettings, 'temperatureUnit' | 'staleAfterMs'> & ValidationSettings;
