import { baseUnits, toBase } from '../../lib/telemetry/units.ts';
import type { ValidatedReading } from '../../lib/telemetry/validate.ts';
import type { TelemetryReading } from '../../schemas/types.ts';
import type { StageSettings } from './config.ts';

/** A reading in canonical names, units and UTC; enrichment and quality come next. */
export type NormalizedReading = Pick<
  TelemetryReading,
  | 'eventId'
  | 'source'
  | 'deviceId'
  | 'siteId'
  | 'metric'
  | 'value'
  | 'unit'
  | 'originalValue'
  | 'originalUnit'
  | 'sourceTime'
  | 'receivedAt'
  | 'traceId'
> & { flags: string[] };

export function normalize(
  reading: ValidatedReading,
  settings: Pick<StageSettings, 'temperatureUnit'>,
): NormalizedReading {
  const { raw, unit, metric } = reading;
  let value = toBase(reading.value, unit);
  let canonicalUnit = baseUnits[metric.quantity];
  if (metric.quantity === 'temperature' && settings.temperatureUnit === 'K') {
    value = Number((value + 273.15).toPrecision(12));
    canonicalUnit = 'K';
  }
  return {
    eventId: raw.eventId,
    source: raw.source,
    deviceId: raw.deviceId,
    siteId: raw.siteId,
    metric: metric.name,
    value,
    unit: canonicalUnit,
    originalValue: raw.value,
    originalUnit: raw.unit,
    sourceTime: reading.sourceTime,
    receivedAt: raw.receivedAt,
    traceId: raw.traceId,
    flags: reading.flags,
  };
}
