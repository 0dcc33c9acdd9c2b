import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Producer } from 'kafkajs';
import { environment, loadSettings } from '../../lib/config.ts';
import { createKafka, ensureTopics } from '../../lib/kafka.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import { samples } from '../../schemas/samples.ts';
import { uniqueSuffix, waitFor } from '../../test/support.ts';
import { deleteTopics } from '../../test/telemetry-load.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings, readDeadLetters } from '../fixtures.ts';
import { postgresArchiveSettings, postgresSinkSettings } from './config.ts';
import { createPostgresArchiveSink, createPostgresSink } from './postgres-sink.ts';

describe('PostgreSQL sink (local stack)', { timeout: 120_000 }, () => {
  const suffix = uniqueSuffix();
  const topic = `test.normalized.telemetry.${suffix}`;
  const pricingTopic = `test.normalized.pricing.${suffix}`;
  const rawTopic = `test.raw.telemetry.${suffix}`;
  const prefix = `pgsink-${suffix}`;
  const kafka = createKafka('test-postgres-sink');
  const pool = createPgPool();
  const settings = loadSettings(postgresSinkSettings, {
    ...environment(),
    SINK_POSTGRES_TELEMETRY_TOPIC: topic,
    SINK_POSTGRES_PRICING_TOPIC: pricingTopic,
    SINK_POSTGRES_GROUP_ID: `test-sink-postgres-${suffix}`,
    SINK_POSTGRES_BATCH_ROWS: '1000',
  });
  let serde: AvroSerde;
  let producer: Producer;

  const rowCount = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          'SELECT count(*) AS n FROM telemetry_readings WHERE device_id LIKE $1',
          [`${prefix}-%`],
        )
      ).rows[0]?.n,
    );
  const storedOffsets = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          'SELECT coalesce(sum(next_offset), 0) AS n FROM sink_offsets WHERE consumer_group = $1 AND topic = $2',
          [settings.groupId, topic],
        )
      ).rows[0]?.n,
    );

  before(async () => {
    ({ serde, producer } = await privateTelemetryTopic(kafka, topic));
    await ensureTopics(kafka, [pricingTopic, rawTopic]);
    await serde.register({ ...topics.normalizedPricing, topic: pricingTopic });
    await serde.register({ ...topics.rawTelemetry, topic: rawTopic });
  });

  after(async () => {
    await producer.disconnect();
    await pool.end();
    await deleteTopics(
      kafka,
      [topic, pricingTopic, rawTopic].flatMap((name) => [name, dlqContract(name).topic]),
    );
  });

  it('loads every event once despite redelivered batches, stores offsets with the rows, sends the bad row to the DLQ', async () => {
    const readings = normalizedReadings(3_000, { prefix });
    await publishReadings(producer, serde, topic, readings);
    await publishReadings(producer, serde, topic, readings.slice(1_000, 2_000)); // an upstream redelivery
    const [first] = readings;
    assert.ok(first);
    // PostgreSQL text cannot hold NUL: this row can never be written, the rest of its batch must be
    const poison = { ...first, eventId: `${prefix}-poison`, deviceId: `${prefix}-bad\u0000device` };
    await publishReadings(producer, serde, topic, [poison]);
    const published = readings.length + 1_000 + 1;

    const sink = createPostgresSink(settings);
    await sink.start();
    try {
      await waitFor('all offsets stored', async () => (await storedOffsets()) === published);
      assert.equal(await rowCount(), 3_000);
      assert.equal(sink.health().state, 'ready');
    } finally {
      await sink.stop(Date.now() + 10_000);
    }

    const [letter] = await readDeadLetters(kafka, serde, topic, 1);
    assert.equal(letter?.reasonCode, 'row_rejected');
    assert.equal(letter?.stage, 'write');
    assert.deepEqual(letter?.value, serde.encode(topic, poison));

    const { rows } = await pool.query(
      `SELECT value, unit, quality_level, enrichment->>'siteName' AS site_name, source_time
       FROM telemetry_readings WHERE event_id = $1`,
      [first.eventId],
    );
    assert.deepEqual(rows[0], {
      value: first.value,
      unit: first.unit,
      quality_level: first.quality.level,
      site_name: first.enrichment.siteName,
      source_time: new Date(first.sourceTime),
    });
    const run = await pool.query(
      'SELECT status, rows_written, rows_rejected FROM pipeline_runs WHERE consumer_group = $1',
      [settings.groupId],
    );
    assert.deepEqual(run.rows, [{ status: 'stopped', rows_written: '3000', rows_rejected: '1' }]);
  });

  it('resumes from its stored offsets: a restart writes nothing twice and picks up new events', async () => {
    const more = normalizedReadings(500, { prefix: `${prefix}-more`, startMs: Date.UTC(2027, 5, 3) });
    await publishReadings(producer, serde, topic, more);
    const sink = createPostgresSink(settings);
    await sink.start();
    try {
      await waitFor('the new events', async () => (await storedOffsets()) === 3_000 + 1_000 + 1 + 500);
    } finally {
      await sink.stop(Date.now() + 10_000);
    }
    assert.equal(await rowCount(), 3_500);
    const run = await pool.query(
      'SELECT rows_written FROM pipeline_runs WHERE consumer_group = $1 ORDER BY started_at DESC LIMIT 1',
      [settings.groupId],
    );
    assert.equal(run.rows[0]?.rows_written, '500');
  });

  it('keeps price history: each version effective until the next one, re-collected prices once', async () => {
    const base = samples['normalized.pricing.prices.v1'];
    const sku = `${prefix}-sku`;
    const version = (n: number, usd: string) => ({
      ...base,
      eventId: `${prefix}-price-${n}`,
      sku,
      pricePerUnitUsd: usd,
      effectiveFrom: Date.UTC(2026, n, 1),
    });
    const versions = [version(0, '0.100000000001'), version(3, '0.096'), version(6, '0.090')];
    // out of order, and the middle one collected twice
    const prices = [versions[2], versions[0], versions[1], versions[1]];
    await producer.send({
      topic: pricingTopic,
      acks: -1,
      messages: prices.map((price) => ({ key: sku, value: serde.encode(pricingTopic, price) })),
    });
    const sink = createPostgresSink(settings);
    await sink.start();
    const priceRows = async () =>
      (
        await pool.query(
          `SELECT price_per_unit_usd::text AS usd, effective_from, effective_to FROM pricing_prices
           WHERE sku = $1 ORDER BY effective_from`,
          [sku],
        )
      ).rows;
    try {
      await waitFor('three price versions', async () => (await priceRows()).length === 3);
    } finally {
      await sink.stop(Date.now() + 10_000);
    }
    const [jan, apr, jul] = [0, 3, 6].map((month) => new Date(Date.UTC(2026, month, 1)));
    assert.deepEqual(await priceRows(), [
      { usd: '0.100000000001', effective_from: jan, effective_to: apr },
      { usd: '0.096000000000', effective_from: apr, effective_to: jul },
      { usd: '0.090000000000', effective_from: jul, effective_to: null },
    ]);
    const current = await pool.query(
      'SELECT price_per_unit_usd::text AS usd FROM pricing_current WHERE sku = $1',
      [sku],
    );
    assert.deepEqual(current.rows, [{ usd: '0.090000000000' }]);
  });

  it('reads an archived original back as JSONB: JSON as it is, other text as a string, other bytes as base64', async () => {
    const originals: [Buffer, unknown][] = [
      [Buffer.from(' {"unit":"degF","value":[1,2.5]} '), { unit: 'degF', value: [1, 2.5] }],
      [Buffer.from('21.5 degC'), '21.5 degC'],
      [Buffer.from('{"note":"\\u0000"}'), '{"note":"\\u0000"}'],
      [Buffer.from(''), ''],
      [Buffer.from([0x61, 0x00, 0x62]), { base64: 'YQBi' }],
      [Buffer.alloc(100, 0xff), { base64: Buffer.alloc(100, 0xff).toString('base64') }],
    ];
    const read = await pool.query<{ payload: unknown }>(
      'SELECT raw_event_payload(original) AS payload FROM unnest($1::bytea[]) WITH ORDINALITY AS o(original, n) ORDER BY n',
      [originals.map(([bytes]) => bytes)],
    );
    assert.deepEqual(
      read.rows.map((row) => row.payload),
      originals.map(([, payload]) => payload),
    );
  });

  it('archives raw readings byte for byte, their payload read back as JSONB, in a sink of its own', async () => {
    const sample = samples['raw.telemetry.readings.v1'];
    const binary = Buffer.from([0x01, 0xff, 0x00, 0x7f]);
    const text = Buffer.from('21.5 degC');
    const raws = [
      { ...sample, eventId: `${prefix}-raw-json`, deviceId: `${prefix}-raw` },
      { ...sample, eventId: `${prefix}-raw-binary`, deviceId: `${prefix}-raw`, payload: binary },
      { ...sample, eventId: `${prefix}-raw-text`, deviceId: `${prefix}-raw`, payload: text },
      // a device id as a hostile client sends it: accepted, and dead-lettered by the processor
      {
        ...sample,
        eventId: `${prefix}-raw-nul`,
        deviceId: `${prefix}-raw\u0000\u001b[2J`,
        payload: text,
        attributes: { 'hop\u0000': 'a\\u0000b\u0000' },
      },
    ];
    await producer.send({
      topic: rawTopic,
      acks: -1,
      // one key, one partition: archived in this order
      messages: raws.map((raw) => ({ key: `${prefix}-raw`, value: serde.encode(rawTopic, raw) })),
    });
    const archiveSink = (group: string) =>
      createPostgresArchiveSink(
        loadSettings(postgresArchiveSettings, {
          ...environment(),
          SINK_POSTGRES_ARCHIVE_RAW_TELEMETRY_TOPIC: rawTopic,
          SINK_POSTGRES_ARCHIVE_RAW_PRICING_TOPIC: '',
          SINK_POSTGRES_ARCHIVE_GROUP_ID: group,
        }),
      );
    const sink = archiveSink(`test-sink-postgres-archive-${suffix}`);
    await sink.start();
    const archived = async () =>
      (
        await pool.query(
          `SELECT event_id, kind, subject, raw_event_payload(original) AS payload, original,
                  envelope->>'messageId' AS message_id, envelope->>'deviceId' AS device_id,
                  envelope->'attributes' AS attributes
           FROM raw_events WHERE topic = $1 ORDER BY kafka_offset`,
          [rawTopic],
        )
      ).rows;
    try {
      await waitFor('four archived raw events', async () => (await archived()).length === 4);
    } finally {
      await sink.stop(Date.now() + 10_000);
    }
    const [json, bytes, plain, controls] = await archived();
    assert.deepEqual(json, {
      event_id: `${prefix}-raw-json`,
      kind: 'telemetry',
      subject: `${prefix}-raw`,
      payload: JSON.parse(sample.payload.toString('utf8')),
      original: sample.payload,
      message_id: sample.messageId,
      device_id: `${prefix}-raw`,
      attributes: sample.attributes,
    });
    assert.deepEqual(bytes?.original, binary);
    assert.deepEqual(bytes?.payload, { base64: binary.toString('base64') });
    assert.deepEqual(plain?.original, text);
    assert.equal(plain?.payload, '21.5 degC');
    // PostgreSQL's text holds no NUL: written as \u0000, the other control characters as they came
    assert.equal(controls?.subject, `${prefix}-raw\\u0000\u001b[2J`);
    assert.equal(controls?.device_id, controls?.subject);
    // map keys too; a string's own backslash before "u0000" stays as it came
    assert.deepEqual(controls?.attributes, { 'hop\\u0000': 'a\\u0000b\\u0000' });
    assert.deepEqual(controls?.original, text);
    const found = await pool.query(
      `SELECT count(*)::int AS n FROM raw_events WHERE topic = $1 AND raw_event_payload(original) @> '{"unit":"degF"}'`,
      [rawTopic],
    );
    assert.equal(found.rows[0]?.n, 1);

    // a group without stored offsets reads them again: its COPY meets the archived rows, and the
    // batch is inserted instead, each row skipped by its Kafka position
    const again = archiveSink(`test-sink-postgres-archive-again-${suffix}`);
    await again.start();
    try {
      await waitFor(
        'the second group past the four raw events',
        async () =>
          (
            await pool.query(
              `SELECT 1 FROM sink_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 4`,
              [`test-sink-postgres-archive-again-${suffix}`, rawTopic],
            )
          ).rows.length === 1,
      );
      assert.equal(again.health().state, 'ready');
    } finally {
      await again.stop(Date.now() + 10_000);
    }
    assert.deepEqual(await archived(), [json, bytes, plain, controls]);
  });
});
