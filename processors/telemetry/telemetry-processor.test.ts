import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Producer } from 'kafkajs';
import { loadSettings } from '../../lib/config.ts';
import { createKafka, createProducer } from '../../lib/kafka.ts';
import { metricsRegistry } from '../../lib/metrics.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, readSchema, topics } from '../../schemas/catalog.ts';
import type { DeadLetter, TelemetryReading } from '../../schemas/types.ts';
import { uniqueSuffix } from '../../test/support.ts';
import {
  buildLoad,
  committedCount,
  deleteTopics,
  privateRawTopic,
  publishLoad,
  readAll,
} from '../../test/telemetry-load.ts';
import { telemetrySettings } from './config.ts';
import { createTelemetryProcessor } from './telemetry-processor.ts';

const suffix = uniqueSuffix();
const input = `test.raw.telemetry.${suffix}`;
const output = `test.normalized.telemetry.${suffix}`;
const dlq = `dlq.${input}`;
const groupId = `test-telemetry-${suffix}`;
const devicePrefix = `tp-${suffix}`;

function settingsFor(extra: Record<string, string> = {}) {
  return loadSettings(telemetrySettings, {
    PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
    PROCESSOR_TELEMETRY_OUTPUT_TOPIC: output,
    PROCESSOR_TELEMETRY_GROUP_ID: groupId,
    PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: groupId,
    PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: '6000',
    PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
    ...extra,
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('telemetry processor on the local stack', () => {
  let kafka: Kafka;
  let producer: Producer;
  let serde: AvroSerde;
  const pool = createPgPool();

  before(async () => {
    kafka = createKafka('telemetry-processor-test');
    serde = new AvroSerde(createRegistryClient());
    await privateRawTopic(kafka, serde, input);
    await serde.register({ ...topics.normalizedTelemetry, topic: output });
    await serde.register(dlqContract(input), readSchema('dlq.v1.avsc'));
    producer = createProducer(kafka);
    await producer.connect();
    await pool.query(
      `INSERT INTO devices (device_id, site_id, site_name, device_type, latitude, longitude, expected_unit, tags)
       VALUES ($1, 'site-0', 'Plant North', 'pt100-sensor', 52.52, 13.405, 'degF', '{"line": "A", "floor": 2}')`,
      [`${devicePrefix}-0`],
    );
  });

  after(async () => {
    await producer.disconnect();
    await pool.query('DELETE FROM devices WHERE device_id LIKE $1', [`${devicePrefix}-%`]);
    await pool.end();
    await deleteTopics(kafka, [input, output, dlq]);
  });

  it('normalizes, enriches, dedupes and dead-letters a mixed load exactly once, and resumes after a restart', async () => {
    // the first instance runs its pipeline on the main thread, the second on two pipeline threads
    const load = buildLoad({ unique: 2400, duplicates: 150, invalid: 50, devicePrefix });
    const half = Math.floor(load.events.length / 2);
    await publishLoad(producer, serde, input, load.events.slice(0, half));

    const first = createTelemetryProcessor({ settings: settingsFor({ PROCESSOR_TELEMETRY_THREADS: '0' }) });
    await first.start();
    await waitFor(async () => (await committedCount(kafka, groupId, input)) === half, 60_000, 'first half');
    assert.equal(first.health().state, 'ready');
    await first.stop(Date.now() + 10_000);

    // The second instance rebuilds the dedupe window from the committed offsets: re-sends of
    // readings the first instance processed are still recognised.
    await publishLoad(producer, serde, input, load.events.slice(half));
    const second = createTelemetryProcessor({ settings: settingsFor({ PROCESSOR_TELEMETRY_THREADS: '2' }) });
    await second.start();
    await waitFor(
      async () => (await committedCount(kafka, groupId, input)) === load.events.length,
      60_000,
      'second half',
    );
    await second.stop(Date.now() + 10_000);

    const readings = await readAll(
      kafka,
      output,
      (value) => serde.decodeSync<TelemetryReading>(output, value).value,
    );
    const ids = new Set(readings.map((reading) => reading.eventId));
    assert.equal(readings.length, load.validIds.size);
    assert.deepEqual([...ids].sort(), [...load.validIds].sort());

    const temperature = readings.find((r) => r.deviceId === `${devicePrefix}-0` && r.originalUnit === 'degF');
    assert.ok(temperature, 'a degF reading of the registered device');
    assert.equal(temperature.metric, 'temperature');
    assert.equal(temperature.unit, 'degC');
    assert.ok(Math.abs(temperature.value - ((temperature.originalValue as number) - 32) * (5 / 9)) < 1e-9);
    assert.deepEqual(
      { ...temperature.enrichment, tags: { ...temperature.enrichment.tags } },
      {
        known: true,
        siteName: 'Plant North',
        deviceType: 'pt100-sensor',
        latitude: 52.52,
        longitude: 13.405,
        tags: { line: 'A', floor: '2' },
      },
    );
    assert.equal(temperature.lineage.topic, input);
    const unknown = readings.find((r) => r.deviceId === `${devicePrefix}-1`);
    assert.equal(unknown?.enrichment.known, false);
    assert.ok(unknown?.quality.flags.includes('unknown_device'));

    const letters = await readAll(kafka, dlq, (value) => serde.decodeSync<DeadLetter>(dlq, value).value);
    assert.equal(letters.length, load.invalidIds.size);
    assert.deepEqual(
      new Set(letters.map((letter) => letter.reasonCode)),
      new Set([
        'value_not_finite',
        'value_out_of_range',
        'unit_unknown',
        'id_invalid',
        'time_in_future',
        'time_invalid',
        'value_missing',
        'unit_mismatch',
      ]),
    );
    assert.ok(letters.every((letter) => letter.stage === 'validate' && letter.originalTopic === input));

    const metrics = await metricsRegistry.getMetricsAsJSON();
    const duplicates = metrics.find((metric) => metric.name === 'sluice_processor_duplicates_total');
    const counted = duplicates?.values
      .filter((value) => value.labels.topic === input)
      .reduce((sum, value) => sum + value.value, 0);
    assert.equal(counted, 150);
  });

  it("under a backlog sends a partition's batches in one transaction, committed once it reaches the end", async (t) => {
    const backlog = `${input}.backlog`;
    await privateRawTopic(kafka, serde, backlog);
    await serde.register(dlqContract(backlog), readSchema('dlq.v1.avsc'));
    const load = buildLoad({ unique: 3000, duplicates: 0, invalid: 0, devicePrefix }, 7);
    // small record batches: a fetch returns whole ones, so these bound its size as much as the fetch limit
    await publishLoad(producer, serde, backlog, load.events, 60);
    const admin = kafka.admin();
    await admin.connect();
    const outputs: string[] = [];
    /** Commit markers written to the output: each takes an offset of a partition it touched. */
    async function markersOf(commitIntervalMs: string): Promise<number> {
      const name = `${backlog}.${commitIntervalMs}`;
      outputs.push(name);
      await serde.register({ ...topics.normalizedTelemetry, topic: name });
      const group = `${groupId}-backlog-${commitIntervalMs}`;
      const processor = createTelemetryProcessor({
        settings: settingsFor({
          PROCESSOR_TELEMETRY_INPUT_TOPIC: backlog,
          PROCESSOR_TELEMETRY_OUTPUT_TOPIC: name,
          PROCESSOR_TELEMETRY_GROUP_ID: group,
          PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: group,
          // batches of ~50 records: ~10 a partition
          PROCESSOR_TELEMETRY_MAX_BYTES_PER_PARTITION: '16384',
          PROCESSOR_TELEMETRY_MAX_BYTES: '98304',
          PROCESSOR_TELEMETRY_BACKLOG_COMMIT_INTERVAL_MS: commitIntervalMs,
        }),
      });
      await processor.start();
      await waitFor(
        async () => (await committedCount(kafka, group, backlog)) === load.events.length,
        60_000,
        `the backlog committed (${commitIntervalMs} ms)`,
      );
      await processor.stop(Date.now() + 10_000);
      const readings = await readAll(kafka, name, (value) => serde.decodeSync<TelemetryReading>(name, value));
      assert.deepEqual(readings.map(({ value }) => value.eventId).sort(), [...load.validIds].sort());
      const ends = await admin.fetchTopicOffsets(name);
      return ends.reduce((sum, { high }) => sum + Number(high), 0) - readings.length;
    }
    try {
      const spanning = await markersOf('60000');
      const perBatch = await markersOf('1');
      t.diagnostic(
        `commit markers: ${spanning} with transactions spanning batches, ${perBatch} one batch at a time`,
      );
      assert.ok(spanning <= 6, `${spanning} commits: one a partition`);
      assert.ok(perBatch >= 5 * spanning, `${perBatch} commits one batch at a time, against ${spanning}`);
    } finally {
      await admin.disconnect();
      await deleteTopics(kafka, [backlog, `dlq.${backlog}`, ...outputs]);
    }
  });
});
