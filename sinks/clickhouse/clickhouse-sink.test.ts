import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { KafkaMessage, Producer } from 'kafkajs';
import {
  classifyClickHouseError,
  clickhouseLayout,
  clickhouseSettings,
  createClickHouse,
} from '../../lib/clickhouse.ts';
import { environment, loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { metricsRegistry } from '../../lib/metrics.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract } from '../../schemas/catalog.ts';
import { samples } from '../../schemas/samples.ts';
import { uniqueSuffix, waitFor } from '../../test/support.ts';
import { deleteTopics } from '../../test/telemetry-load.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings, readDeadLetters } from '../fixtures.ts';
import { createClickHouseSink } from './clickhouse-sink.ts';
import { type ClickHouseSourceKind, ClickHouseWriter, telemetryColumns } from './clickhouse-writer.ts';
import { clickhouseSinkSettings } from './config.ts';

describe('ClickHouse sink (local stack)', { timeout: 120_000 }, () => {
  const suffix = uniqueSuffix();
  const topic = `test.normalized.telemetry.${suffix}`;
  const pricingTopic = `test.normalized.pricing.${suffix}`;
  const prefix = `chsink-${suffix}`;
  const kafka = createKafka('test-clickhouse-sink');
  const client = createClickHouse();
  const settings = loadSettings(clickhouseSinkSettings, {
    ...environment(),
    SINK_CLICKHOUSE_TELEMETRY_TOPIC: topic,
    SINK_CLICKHOUSE_PRICING_TOPIC: '',
    SINK_CLICKHOUSE_GROUP_ID: `test-sink-clickhouse-${suffix}`,
    SINK_CLICKHOUSE_BATCH_ROWS: '2000',
  });
  let serde: AvroSerde;
  let producer: Producer;

  async function rows<T>(query: string): Promise<T[]> {
    return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
  }
  const ours = `device_id LIKE '${prefix}-%'`;
  const loadedOffsets = async () =>
    Number(
      (
        await rows<{ n: string }>(
          `SELECT toString(sum(next)) AS n FROM (SELECT maxMerge(next_offset) AS next FROM sink_progress
           WHERE kafka_topic = '${topic}' GROUP BY kafka_partition)`,
        )
      )[0]?.n ?? 0,
    );

  /** A writer of this test's topic of one kind, outside any sink, with the stack's settings. */
  const testWriter = (groupId: string, source: string, kind: ClickHouseSourceKind) =>
    new ClickHouseWriter({
      client: createClickHouse(),
      layout: clickhouseLayout(),
      groupId,
      insertInto: 'distributed',
      credentials: loadSettings(clickhouseSettings),
      sources: new Map([[source, kind]]),
      retention: { readingsDays: 0, rollupDays: 0 },
      retentionCheckMs: 3_600_000,
      asyncInsert: false,
      dedupeWindow: 10,
      logger: componentLogger('test-clickhouse-writer'),
    });

  before(async () => {
    ({ serde, producer } = await privateTelemetryTopic(kafka, topic));
  });

  after(async () => {
    await producer.disconnect();
    await client.close();
    await deleteTopics(
      kafka,
      [topic, pricingTopic].flatMap((name) => [name, dlqContract(name).topic]),
    );
  });

  it('loads each event once (FINAL and rollups) despite redelivered batches and a restart; a bad row goes to the DLQ', async () => {
    const readings = normalizedReadings(6_000, { prefix, devices: 20 });
    await publishReadings(producer, serde, topic, readings);
    await publishReadings(producer, serde, topic, readings.slice(2_000, 3_000)); // an upstream redelivery
    const [first] = readings;
    assert.ok(first);
    // a clock before 1970 does not fit ClickHouse's DateTime (it would wrap silently): rejected
    const poison = { ...first, eventId: `${prefix}-poison`, sourceTime: -1_000 };
    await publishReadings(producer, serde, topic, [poison]);
    const published = readings.length + 1_000 + 1;

    const sink = createClickHouseSink(settings);
    await sink.start();
    try {
      await waitFor('the first half', async () => (await loadedOffsets()) >= published / 2);
    } finally {
      await sink.stop(Date.now() + 10_000);
    }
    const restarted = createClickHouseSink(settings);
    await restarted.start();
    try {
      await waitFor('every offset', async () => (await loadedOffsets()) === published);
    } finally {
      await restarted.stop(Date.now() + 10_000);
    }

    const [counts] = await rows<{ all: string; final: string }>(
      `SELECT (SELECT count() FROM telemetry_readings WHERE ${ours}) AS all,
              (SELECT count() FROM telemetry_readings FINAL WHERE ${ours}) AS final`,
    );
    assert.deepEqual(counts, { all: '6000', final: '6000' });
    const [rollup] = await rows<{ n: string }>(
      `SELECT toString(sum(n)) AS n FROM (SELECT countMerge(readings) AS n FROM telemetry_rollup_hour
       WHERE ${ours} GROUP BY device_id, metric, unit, bucket)`,
    );
    assert.equal(rollup?.n, '6000');

    const [letter] = await readDeadLetters(kafka, serde, topic, 1);
    assert.equal(letter?.reasonCode, 'row_rejected');
    assert.match(letter?.message ?? '', /sourceTime -1000 is outside 1970-2106/);
  });

  it('keeps a minute rollup equal to the aggregate of the raw rows', async () => {
    const sample = [0, 7, 13].map((n) => `'${prefix}-dev-${n}'`).join(', ');
    const fromRollup = await rows<Record<string, unknown>>(
      `SELECT device_id, metric, toString(bucket) AS bucket, countMerge(readings) AS n, minMerge(min_value) AS min,
         maxMerge(max_value) AS max, round(avgMerge(avg_value), 9) AS avg, argMaxMerge(last_value) AS last
       FROM telemetry_rollup_minute WHERE device_id IN (${sample})
       GROUP BY device_id, metric, bucket ORDER BY device_id, metric, bucket`,
    );
    const fromRaw = await rows<Record<string, unknown>>(
      `SELECT device_id, metric, toString(toStartOfMinute(source_time)) AS bucket, count() AS n, min(value) AS min,
         max(value) AS max, round(avg(value), 9) AS avg, argMax(value, source_ms) AS last
       FROM telemetry_readings FINAL WHERE device_id IN (${sample})
       GROUP BY device_id, metric, bucket ORDER BY device_id, metric, bucket`,
    );
    assert.ok(fromRaw.length >= 3 * 5, `expected several minutes per device, got ${fromRaw.length} rows`);
    assert.deepEqual(fromRollup, fromRaw);
  });

  const odd = 'a\tb\nc\\d\'e"f\r Zürich 東京 🌡';
  const long = `${'Ω≈ç√∫'.repeat(30)}-${'x'.repeat(200)}`; // a length varint of two bytes
  /** A reading of awkward strings, numbers and times; the `index`-th event id of its device. */
  function oddReading(index = 0) {
    const sample = normalizedReadings(index + 1, { prefix: `${prefix}-escape` })[index];
    assert.ok(sample);
    return {
      ...sample,
      deviceId: `${prefix}-escape-${odd}`,
      siteId: long,
      value: -1234.5678e-3,
      sourceTime: Date.UTC(2026, 10, 22, 5, 30, 15, 250),
      quality: { ...sample.quality, flags: [odd, 'stale'] },
      enrichment: { ...sample.enrichment, tags: { [odd]: odd } },
    };
  }

  it('writes strings (tabs, quotes, non-ASCII, short and long), numbers and times back exactly (RowBinary)', async () => {
    const reading = oddReading();
    const writer = testWriter('test-clickhouse-writer', topic, 'telemetry');
    await writer.open();
    try {
      const decoded = {
        topic,
        partition: 0,
        offset: '1000000',
        message: { offset: '1000000' } as KafkaMessage,
        value: reading,
      };
      const record = { ...decoded, value: writer.encode(decoded) };
      await writer.write([record], [{ topic, partition: 0, offset: '1000001' }]);
    } finally {
      await writer.close();
    }
    const [row] = await rows<Record<string, unknown>>(
      `SELECT device_id, site_id, quality_flags, tag_keys, tag_values, value, toString(source_ms) AS source_ms_text,
         toString(toUnixTimestamp(source_time)) AS source_seconds, kafka_partition, toString(kafka_offset) AS offset_text,
         latitude FROM telemetry_readings
       WHERE event_id = '${reading.eventId}' AND kafka_offset = 1000000`,
    );
    assert.deepEqual(row, {
      device_id: reading.deviceId,
      site_id: long,
      value: -1.2345678,
      source_ms_text: String(reading.sourceTime),
      source_seconds: String(Math.floor(reading.sourceTime / 1000)),
      kafka_partition: 0,
      offset_text: '1000000',
      latitude: reading.enrichment.latitude,
      quality_flags: [odd, 'stale'],
      tag_keys: [odd],
      tag_values: [odd],
    });
    // the site the writer read back from the encoded row names the reading's site in the metrics
    const sites = await metricsRegistry.getSingleMetric('sluice_site_last_reading_timestamp_seconds')?.get();
    assert.ok(
      sites?.values.some((v) => v.labels.site === long),
      `no metric for the reading's site among ${sites?.values.length} sites`,
    );
  });

  it('loads a record from its Avro bytes (transcoded) with the values the decoded reading gives', async () => {
    const decoded = oddReading(); // the row the test above wrote through the decoding path
    const reading = oddReading(1);
    const body = serde.encode(topic, reading);
    const writer = testWriter('test-clickhouse-transcoded', topic, 'telemetry');
    await writer.open();
    try {
      const record = {
        topic,
        partition: 0,
        offset: '0',
        message: { value: body } as KafkaMessage,
        value: undefined,
      };
      assert.ok(Buffer.isBuffer(writer.encodeRaw(record, serde.ownSchemaBody(topic, body))), 'transcoded');
    } finally {
      await writer.close();
    }
    // not partition 0: the test above stored progress 1,000,001 there, past its end
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: reading.deviceId, value: serde.encode(topic, reading), partition: 1 }],
    });
    const sink = createClickHouseSink(settings);
    await sink.start();
    try {
      await waitFor(
        'the record loaded',
        async () =>
          (await rows(`SELECT 1 FROM telemetry_readings WHERE event_id = '${reading.eventId}'`)).length > 0,
      );
    } finally {
      await sink.stop(Date.now() + 10_000);
    }
    const columns = telemetryColumns.filter(
      (column) => column !== 'event_id' && !column.startsWith('kafka_'),
    );
    const [fromBytes, fromDecoded] = await Promise.all(
      [reading, decoded].map(
        async ({ eventId }) =>
          (
            await rows(`SELECT ${columns.join(', ')} FROM telemetry_readings WHERE event_id = '${eventId}'`)
          )[0],
      ),
    );
    assert.ok(fromBytes);
    assert.deepEqual(fromBytes, fromDecoded);
  });

  it("a new owner's progress waits for every insert of its group the server still runs", async () => {
    const groupId = `test-clickhouse-late-insert-${suffix}`;
    const writer = testWriter(groupId, topic, 'telemetry');
    await writer.open();
    try {
      // stands for an insert of the group the server goes on with (2 s)
      const lateId = `sluice-sink:${groupId}:${suffix}`;
      const late = client.query({ query: 'SELECT sleep(2)', query_id: lateId, format: 'JSONEachRow' });
      await waitFor(
        'the late query runs',
        async () => (await rows(`SELECT 1 FROM system.processes WHERE query_id = '${lateId}'`)).length > 0,
      );
      await writer.awaitEarlierWrites();
      assert.deepEqual(
        await rows(`SELECT 1 FROM system.processes WHERE query_id = '${lateId}'`),
        [],
        'returned only once the insert ended',
      );
      await (await late).json();
    } finally {
      await writer.close();
    }
  });

  it('keeps price versions with exact decimals', async () => {
    const base = samples['normalized.pricing.prices.v1'];
    const sku = `${prefix}-sku`;
    const prices = [
      {
        ...base,
        eventId: `${prefix}-p1`,
        sku,
        pricePerUnitUsd: '0.123456789012',
        effectiveFrom: Date.UTC(2026, 0, 1),
      },
      {
        ...base,
        eventId: `${prefix}-p2`,
        sku,
        pricePerUnitUsd: '12345678901234.5',
        effectiveFrom: Date.UTC(2026, 5, 1),
      },
    ];
    const writer = testWriter('test-clickhouse-writer', pricingTopic, 'pricing');
    await writer.open();
    try {
      const records = prices.map((value, i) => {
        const decoded = {
          topic: pricingTopic,
          partition: 0,
          offset: String(i),
          message: { offset: String(i) } as KafkaMessage,
          value,
        };
        return { ...decoded, value: writer.encode(decoded) };
      });
      await writer.write(records, [{ topic: pricingTopic, partition: 0, offset: '2' }]);
      assert.deepEqual(await writer.storedOffsets(pricingTopic), [
        { topic: pricingTopic, partition: 0, offset: '2' },
      ]);
    } finally {
      await writer.close();
    }
    const stored = await rows<Record<string, unknown>>(
      `SELECT toString(price_per_unit_usd) AS usd, toString(effective_from) AS since,
              loaded_at > now() - 600 AND loaded_at <= now() AS loaded_now
         FROM pricing_prices FINAL WHERE sku = '${sku}' ORDER BY effective_from`,
    );
    assert.deepEqual(stored, [
      { usd: '0.123456789012', since: '2026-01-01 00:00:00', loaded_now: 1 },
      { usd: '12345678901234.500000000000', since: '2026-06-01 00:00:00', loaded_now: 1 },
    ]);
  });

  it('classifies a batch ClickHouse refuses to parse as poison', async () => {
    const refused = await client
      .exec({
        query: 'INSERT INTO telemetry_readings FORMAT JSONEachRow',
        values: Readable.from(['{"event_id":"x","value":"not a number"}']),
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    const error = classifyClickHouseError(refused);
    assert.equal(error.code, 'ING_DB_REJECTED');
    assert.equal(error.disposition, 'poison');
  });
});
