import type { Kafka, Producer } from 'kafkajs';
import { ensureTopics } from '../lib/kafka.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { readTopicToEnd } from '../processors/runner/topic-reader.ts';
import { readSchema, topics } from '../schemas/catalog.ts';
import { rawReading } from '../schemas/raw-telemetry-reading.ts';
import type { RawTelemetryReading } from '../schemas/types.ts';

/**
 * Realistic raw telemetry for processor tests and benchmarks: mixed units and time formats,
 * a share of exact re-sends (same event id) and a share of poison readings of several kinds.
 */

export interface LoadPlan {
  unique: number;
  duplicates: number;
  invalid: number;
  /** Device ids are `<devicePrefix>-<n>`, so a test only ever counts its own devices. */
  devicePrefix: string;
  devices?: number;
}

export interface Load {
  events: RawTelemetryReading[];
  validIds: Set<string>;
  invalidIds: Set<string>;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const kinds = [
  { metric: 'Temp_F', unit: 'degF', base: 160, swing: 40 },
  { metric: 'temperature', unit: '°C', base: 21, swing: 5 },
  { metric: 'pressure', unit: 'psi', base: 43, swing: 4 },
  { metric: 'pressure', unit: 'bar', base: 3, swing: 0.5 },
  { metric: 'flow', unit: 'l/min', base: 120, swing: 30 },
  { metric: 'flow', unit: 'gpm', base: 30, swing: 8 },
  { metric: 'energy', unit: 'Wh', base: 1500, swing: 400 },
  { metric: 'power', unit: 'kW', base: 12, swing: 3 },
] as const;

type Invalid = {
  value: number | null;
  unit: string;
  deviceId?: string;
  sourceTime?: string;
  metric?: string;
};

/** Poison readings, one of each kind in turn: each is rejected by validate with its own reason. */
const invalidKinds: ((n: number, now: number) => Invalid)[] = [
  () => ({ value: Number.NaN, unit: 'degC' }),
  () => ({ value: -500, unit: 'degC' }),
  () => ({ value: 12, unit: 'furlongs/fortnight' }),
  () => ({ value: 1, unit: 'kPa', deviceId: "x'); DROP TABLE devices;--" }),
  (_, now) => ({ value: 20, unit: 'degC', sourceTime: String(now + 86_400_000) }),
  () => ({ value: 20, unit: 'degC', sourceTime: 'yesterday noon' }),
  () => ({ value: null, unit: 'degC' }),
  () => ({ value: 5, unit: 'psi', metric: 'temperature' }),
];

function sourceTimeText(n: number, at: number): string {
  switch (n % 4) {
    case 0:
      return String(at);
    case 1:
      return String(Math.floor(at / 1000));
    case 2:
      return String(at * 1000);
    default:
      return new Date(at + 3_600_000).toISOString().replace('Z', '+01:00');
  }
}

export function buildLoad(plan: LoadPlan, seed = 42): Load {
  const random = seededRandom(seed);
  const devices = plan.devices ?? 200;
  const now = Date.now();
  const ordered: { key: number; event: RawTelemetryReading }[] = [];
  const validIds = new Set<string>();
  const invalidIds = new Set<string>();
  const total = plan.unique + plan.invalid;
  const invalidEvery = plan.invalid > 0 ? total / plan.invalid : Number.POSITIVE_INFINITY;
  let nextInvalid = invalidEvery / 2;
  for (let n = 0; n < total; n++) {
    const at = now - 60_000 + Math.floor((n / total) * 50_000);
    const device = `${plan.devicePrefix}-${n % devices}`;
    const kind = kinds[n % kinds.length] as (typeof kinds)[number];
    let input: Parameters<typeof rawReading>[0];
    let invalid = false;
    if (n >= nextInvalid && invalidIds.size < plan.invalid) {
      nextInvalid += invalidEvery;
      invalid = true;
      const bad = (invalidKinds[invalidIds.size % invalidKinds.length] as (typeof invalidKinds)[number])(
        n,
        now,
      );
      input = {
        source: 'http',
        deviceId: bad.deviceId ?? device,
        metric: bad.metric ?? 'temperature',
        value: bad.value,
        unit: bad.unit,
        sourceTime: bad.sourceTime ?? String(at),
        messageId: `m-${n}`,
        contentType: 'application/json',
        payload: Buffer.from(JSON.stringify({ value: bad.value, unit: bad.unit })),
      };
    } else {
      const value = Number((kind.base + (random() - 0.5) * 2 * kind.swing).toFixed(2));
      const sourceTime = sourceTimeText(n, at);
      input = {
        source: n % 3 === 0 ? 'mqtt' : 'http',
        deviceId: device,
        siteId: `site-${n % 7}`,
        metric: kind.metric,
        value,
        unit: kind.unit,
        sourceTime,
        messageId: `m-${n}`,
        contentType: 'application/json',
        payload: Buffer.from(JSON.stringify({ value, unit: kind.unit, ts: sourceTime })),
        traceId: n.toString(16).padStart(32, '0'),
      };
    }
    const event = rawReading(input, at + 50);
    (invalid ? invalidIds : validIds).add(event.eventId);
    ordered.push({ key: n, event });
  }
  const validEvents = ordered.filter((entry) => validIds.has(entry.event.eventId));
  for (let d = 0; d < plan.duplicates; d++) {
    const original = validEvents[Math.floor(random() * validEvents.length)] as (typeof ordered)[number];
    // a re-send arrives a little later than the original, as a device retry would
    ordered.push({ key: original.key + 1 + random() * Math.min(20_000, total), event: original.event });
  }
  ordered.sort((a, b) => a.key - b.key);
  return { events: ordered.map((entry) => entry.event), validIds, invalidIds };
}

/** A private raw topic registered with the raw telemetry schema, so a test counts only its own events. */
export async function privateRawTopic(kafka: Kafka, serde: AvroSerde, name: string): Promise<string> {
  await ensureTopics(kafka, [name]);
  await serde.register({ ...topics.rawTelemetry, topic: name }, readSchema(topics.rawTelemetry.schemaFile));
  return name;
}

export async function publishLoad(
  producer: Producer,
  serde: AvroSerde,
  topic: string,
  events: RawTelemetryReading[],
  chunk = 5000,
): Promise<void> {
  for (let start = 0; start < events.length; start += chunk) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(start, start + chunk).map((event) => ({
        key: event.deviceId,
        value: serde.encode(topic, event),
        headers: event.traceId ? { 'trace-id': event.traceId } : undefined,
      })),
    });
  }
}

/** Every committed record of a topic, decoded with the given function. */
export async function readAll<T>(
  kafka: Kafka,
  topic: string,
  decode: (value: Buffer | null) => T,
  timeoutMs = 120_000,
): Promise<T[]> {
  const values: T[] = [];
  await readTopicToEnd(kafka, topic, {
    timeoutMs,
    onMessages: (_partition, messages) => {
      for (const message of messages) values.push(decode(message.value));
    },
  });
  return values;
}

/** Deletes those of the topics that exist (a test's private topics, once it is done with them). */
export async function deleteTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}

/** Sum over partitions of the group's committed offset minus the low watermark. */
export async function committedCount(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const watermarks = await admin.fetchTopicOffsets(topic);
    let count = 0;
    for (const { partition, offset } of offsets?.partitions ?? []) {
      const low = Number(watermarks.find((entry) => entry.partition === partition)?.low ?? 0);
      if (Number(offset) >= 0) count += Number(offset) - low;
    }
    return count;
  } finally {
    await admin.disconnect();
  }
}
