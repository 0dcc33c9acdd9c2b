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

const raw: RawTelemetryReading[] = Array.from({ length: 10_000 }, (_, i) => ({
  ...samples['raw.telemetry.readings.v1'],
  eventId: `${i.toString(16).padStart(8, '0')}6f1c2b8e0a9d4e3f8b7a6c5d`,
  deviceId: `device-${i % 500}`,
  value: 20 + (i % 100) / 10,
  receivedAt: 1_763_709_330_400 + i,
}));
const normalized: TelemetryReading[] = raw.map((r, i) => ({
  ...samples['normalized.telemetry.readings.v1'],
  eventId: r.eventId,
  deviceId: r.deviceId,
  value: r.value as number,
  lineage: { topic: topics.rawTelemetry.topic, partition: i % 6, offset: i },
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
report(
  'Avro serde, one core',
  { node: process.version, 'seconds per row': seconds, events: raw.length },
  rows,
);
