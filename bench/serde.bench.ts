import avro from 'avsc';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { readSchema, topics } from '../schemas/catalog.ts';
import { samples } from '../schemas/samples.ts';
import type { RawTelemetryReading, TelemetryReading } from '../schemas/types.ts';
import { report, throughput } from './report.ts';

/**
 * Encode and decode speed of the serde (Confluent framing included) on one core, next to
 * avsc alone on the same records, so the framing's cost shows as a ratio in one run.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const serde = new AvroSerde(createRegistryClient());
await serde.registerAll([topics.rawTelemetry, topics.normalizedTelemetry]);

/** A flat copy of a string, as decoded strings are (one built by concatenation is a rope). */
const flat = (text: string) => Buffer.from(text).toString();
const hex32 = (i: number) =>
  flat(`${(i * 2654435761).toString(16).padStart(16, '0').slice(-16)}${i.toString(16).padStart(16, '0')}`);

// What varies from event to event in real traffic varies here too: ids, device, value, times,
// payload, trace; what repeats in real traffic (source, units, metric, site, content type) repeats.
const raw: RawTelemetryReading[] = Array.from({ length: 10_000 }, (_, i) => {
  const value = 20 + (i % 100) / 10;
  const sourceTime = new Date(1_763_709_330_250 + i * 250).toISOString();
  const deviceId = flat(`device-${i % 500}`);
  return {
    ...samples['raw.telemetry.readings.v1'],
    eventId: hex32(i),
    deviceId,
    value,
    sourceTime,
    receivedAt: 1_763_709_330_400 + i * 250,
    messageId: flat(`m-${i}`),
    payload: Buffer.from(`{"value":${value},"unit":"degF","ts":"${sourceTime}"}`),
    attributes: {
      'mqtt.topic': flat(`sites/plant-north/devices/${deviceId}/metrics/Temp_F`),
      'mqtt.qos': '1',
    },
    traceId: hex32(i + 7_777_777),
  };
});
const normalized: TelemetryReading[] = raw.map((r, i) => ({
  ...samples['normalized.telemetry.readings.v1'],
  eventId: r.eventId,
  deviceId: r.deviceId,
  value: r.value as number,
  sourceTime: 1_763_709_330_250 + i * 250,
  receivedAt: r.receivedAt,
  processedAt: r.receivedAt + 112,
  lineage: { topic: topics.rawTelemetry.topic, partition: i % 6, offset: i },
  traceId: r.traceId,
}));

const rows: [string, number, string][] = [];
for (const [label, topic, events] of [
  ['raw telemetry', topics.rawTelemetry.topic, raw],
  ['normalized telemetry', topics.normalizedTelemetry.topic, normalized],
] as const) {
  const encoded = (events as unknown[]).map((event) => serde.encode(topic, event));
  // stock avsc on the same schema: the yardstick for what the serde adds or saves
  const type = avro.Type.forSchema(readSchema(`${topic}.avsc`) as avro.Schema);
  const bodies = (events as unknown[]).map((event) => type.toBuffer(event));
  rows.push([
    `${label}: serde.encode`,
    throughput(events as unknown[], seconds, (e) => serde.encode(topic, e)),
    'events/s',
  ]);
  rows.push([
    `${label}: serde.decodeSync`,
    throughput(encoded, seconds, (b) => serde.decodeSync(topic, b)),
    'events/s',
  ]);
  rows.push([
    `${label}: stock avsc toBuffer (no framing)`,
    throughput(events as unknown[], seconds, (e) => type.toBuffer(e)),
    'events/s',
  ]);
  rows.push([
    `${label}: stock avsc fromBuffer (no framing)`,
    throughput(bodies, seconds, (b) => type.fromBuffer(b)),
    'events/s',
  ]);
  rows.push([`${label}: encoded size`, encoded[0]?.length ?? 0, 'bytes']);
}
// The yardstick issue #3 names: stock avsc on a flat 10-field record does 650k–750k encodes/s
// per core on the machine the targets were set on; its rate here tells this machine's speed.
const flatType = avro.Type.forSchema({
  type: 'record',
  name: 'FlatReading',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'deviceId', type: 'string' },
    { name: 'metric', type: 'string' },
    { name: 'value', type: 'double' },
    { name: 'unit', type: 'string' },
    { name: 'sourceTime', type: 'long' },
    { name: 'receivedAt', type: 'long' },
    { name: 'siteId', type: ['null', 'string'] },
    { name: 'quality', type: 'int' },
    { name: 'known', type: 'boolean' },
  ],
});
const flat10 = normalized.map((n) => ({
  eventId: n.eventId,
  deviceId: n.deviceId,
  metric: n.metric,
  value: n.value,
  unit: n.unit,
  sourceTime: n.sourceTime,
  receivedAt: n.receivedAt,
  siteId: n.siteId,
  quality: 2,
  known: true,
}));
const flatBodies = flat10.map((value) => flatType.toBuffer(value));
rows.push([
  'yardstick: stock avsc toBuffer, flat 10-field record',
  throughput(flat10, seconds, (value) => flatType.toBuffer(value)),
  'events/s',
]);
rows.push([
  'yardstick: stock avsc fromBuffer, flat 10-field record',
  throughput(flatBodies, seconds, (body) => flatType.fromBuffer(body)),
  'events/s',
]);
report(
  'Avro serde, one core',
  { node: process.version, 'seconds per row': seconds, events: raw.length },
  rows,
);
