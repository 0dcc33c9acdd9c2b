import { z } from 'zod';
import { defineSettings, oneOf, positiveInt, type SettingsOf, setting } from '../config.ts';

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

/**
 * The limits of the validation stage. The HTTP gateway and the file import answer with them and
 * the telemetry processor enforces them again, so give every one of them the same values.
 */
export const validationSettings = defineSettings('telemetry validation', {
  maxFutureSkewMs: setting(
    'TELEMETRY_MAX_FUTURE_SKEW_MS',
    positiveInt,
    '300000',
    'A source time further than this ahead of the receive time is rejected (device clock wrong).',
  ),
  clockSkewFlagMs: setting(
    'TELEMETRY_CLOCK_SKEW_FLAG_MS',
    positiveInt,
    '5000',
    'A source time this far ahead of the receive time (but within the maximum) is kept and flagged clock_skew.',
  ),
  minSourceTime: setting(
    'TELEMETRY_MIN_SOURCE_TIME',
    isoInstant,
    '2000-01-01T00:00:00Z',
    'Source times before this are rejected (a device clock reset to 1970 is not a reading time).',
  ),
  maxPayloadBytes: setting(
    'TELEMETRY_MAX_PAYLOAD_BYTES',
    positiveInt,
    '65536',
    'Largest original payload accepted per reading.',
  ),
  opcuaBadStatus: setting(
    'TELEMETRY_OPCUA_BAD_STATUS',
    oneOf(['reject', 'flag']),
    'reject',
    'What to do with an OPC UA value whose status code is Bad: send it to the DLQ (reason bad_status), or keep it flagged bad_status.',
  ),
});

export type ValidationSettings = SettingsOf<typeof validationSettings>;
