import { createHash } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { AvroSerde } from '../lib/serde.ts';
import { topics } from '../schemas/catalog.ts';
import type { RawTelemetryReading, TelemetrySource } from '../schemas/types.ts';

const topic = topics.rawTelemetry.topic;

/**
 * Deterministic event id: the same reading sent twice (same source, device, metric,
 * message id and source time) gets the same id, so duplicates are recognised end to end.
 */
export function telemetryEventId(
  source: TelemetrySource,
  deviceId: string,
  metric: string,
  messageId: string | null,
  sourceTime: string | number,
): string {
  return createHash('sha256')
    .update(`${source}\u0000${deviceId}\u0000${metric}\u0000${messageId ?? ''}\u0000${sourceTime}`)
    .digest('hex')
    .slice(0, 32);
}

export type RawReadingInput = Omit<
  RawTelemetryReading,
  'eventId' | 'receivedAt' | 'siteId' | 'unit' | 'sourceTime' | 'messageId' | 'attributes' | 'traceId'
> &
  Partial<
    Pick<RawTelemetryReading, 'siteId' | 'unit' | 'sourceTime' | 'messageId' | 'attributes' | 'traceId'>
  >;

export function rawReading(input: RawReadingInput, receivedAt = Date.now()): RawTelemetryReading {
  const sourceTime = input.sourceTime ?? null;
  const messageId = input.messageId ?? null;
  return {
    ...input,
    eventId: telemetryEventId(
      input.source,
      input.deviceId,
      input.metric,
      messageId,
      sourceTime ?? receivedAt,
    ),
    siteId: input.siteId ?? null,
    unit: input.unit ?? null,
    sourceTime,
    receivedAt,
    messageId,
    attributes: input.attributes ?? {},
    traceId: input.traceId ?? null,
  };
}

/** Publishes raw readings keyed by device (per-device order), resolved once Kafka acknowledged all. */
export async function publishRawReadings(
  producer: Producer,
  serde: AvroSerde,
  readings: RawTelemetryReading[],
): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: readings.map((reading) => ({
      key: reading.deviceId,
      value: serde.encode(topic, reading),
      headers: reading.traceId ? { 'trace-id': reading.traceId } : undefined,
    })),
  });
}
