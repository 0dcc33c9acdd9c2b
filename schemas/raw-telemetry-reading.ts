import { hash } from 'node:crypto';
import type { RawTelemetryReading, TelemetrySource } from './types.ts';

/**
 * What makes two raw readings the same event, for every producer: the event id is a hash of the
 * source, device, metric, message id and source time, plus the value where a source can repeat a
 * time with another value (file rows). The same reading sent twice gets the same id, so
 * duplicates are recognised end to end (docs/telemetry-producers.md lists the rule per producer).
 */
export function telemetryEventId(
  source: TelemetrySource,
  deviceId: string,
  metric: string,
  messageId: string | null,
  sourceTime: string | number,
  value?: number | null,
): string {
  const key = `${source}\u0000${deviceId}\u0000${metric}\u0000${messageId ?? ''}\u0000${sourceTime}`;
  // ids minted before the value could be part of the key stay as they were
  return hash('sha256', value === undefined ? key : `${key}\u0000${value ?? ''}`).slice(0, 32);
}

export type RawReadingInput = Omit<
  RawTelemetryReading,
  'eventId' | 'receivedAt' | 'siteId' | 'unit' | 'sourceTime' | 'messageId' | 'attributes' | 'traceId'
> &
  Partial<
    Pick<RawTelemetryReading, 'siteId' | 'unit' | 'sourceTime' | 'messageId' | 'attributes' | 'traceId'>
  > & {
    /** The value is part of the event's identity (a source that can repeat a time with another value). */
    valueIsIdentity?: boolean;
  };

export function rawReading(input: RawReadingInput, receivedAt = Date.now()): RawTelemetryReading {
  const sourceTime = input.sourceTime ?? null;
  const messageId = input.messageId ?? null;
  // built property by property: an object spread here costs more than the hash and the Avro encoding together
  return {
    // Without a device time the receipt time keeps readings apart, unless a message id
    // names the reading: then a resend (received later) must keep its eventId.
    eventId: telemetryEventId(
      input.source,
      input.deviceId,
      input.metric,
      messageId,
      sourceTime ?? (messageId === null ? receivedAt : ''),
      input.valueIsIdentity ? input.value : undefined,
    ),
    source: input.source,
    deviceId: input.deviceId,
    siteId: input.siteId ?? null,
    metric: input.metric,
    value: input.value,
    unit: input.unit ?? null,
    sourceTime,
    receivedAt,
    messageId,
    contentType: input.contentType,
    payload: input.payload,
    attributes: input.attributes ?? {},
    traceId: input.traceId ?? null,
  };
}
