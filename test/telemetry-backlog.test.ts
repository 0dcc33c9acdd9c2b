import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { readTopicToEnd } from '../processors/runner/topic-reader.ts';
import { httpGatewaySettings } from '../producers/http-gateway/config.ts';
import { HttpGateway, type IngestAnswer } from '../producers/http-gateway/http-gateway.ts';
import { rawTopicEnd } from '../producers/testing.ts';
import type { TelemetryReading } from '../schemas/types.ts';
import { testApiKey, uniqueSuffix } from './support.ts';
import { deviceAndBelow, type StoredReading, startTelemetryPipeline } from './telemetry-pipeline.ts';

/**
 * A backlog through the processor's transactions that span a partition's batches, on to both
 * sinks: the processor starts after the readings are on the raw topic, so it reads them as a
 * backlog in small batches, and the test checks every value that comes out of PostgreSQL and
 * ClickHouse, not only counts, and that no commit fell inside a partition's part of the backlog.
 */

const kafka = createKafka('telemetry-backlog-test');
const run = uniqueSuffix();
const device = `backlog-${run}`;
const devices = 12;
const requests = 12;
const perRequest = 250;
const firstTime = Date.parse('2026-11-20T00:00:00Z');
let serde: AvroSerde;
let pool: pg.Pool;

/** The n-th reading: every other one in °F, so the processor converts it. */
function reading(n: number) {
  const fahrenheit = n % 2 === 1;
  return {
    deviceId: `${device}/d${n % devices}`,
    metric: 'temperature',
    value: fahrenheit ? 50 + n / 8 : 10 + n / 16,
    unit: fahrenheit ? 'degF' : 'degC',
    ts: new Date(firstTime + n * 1000).toISOString(),
  };
}

/** What both databases hold for the n-th reading (the fields that come from it). */
function expected(n: number): Omit<StoredReading, 'flags' | 'score'> {
  const sent = reading(n);
  return {
    deviceId: sent.deviceId,
    metric: 'temperature',
    value: sent.unit === 'degF' ? ((sent.value - 32) * 5) / 9 : sent.value,
    unit: 'degC',
    originalValue: sent.value,
    originalUnit: sent.unit,
    sourceTime: Date.parse(sent.ts),
  };
}

const bySourceTime = (a: StoredReading, b: StoredReading) => a.sourceTime - b.sourceTime;

describe('a backlog through transactions spanning batches, to both sinks', { timeout: 240_000 }, () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    pool = createPgPool();
  });

  after(async () => {
    await pool.end();
  });

  it('stores every reading of a backlog once with its values, each partition of it committed in one transaction', async () => {
    const rawFrom = await rawTopicEnd(kafka);
    const key = await testApiKey(pool, ['ingest']);
    const gateway = new HttpGateway(
      { serde, kafka, pool },
      { ...loadSettings(httpGatewaySettings), port: 0 },
    );
    await gateway.start();
    const post = async (first: number) => {
      const items = Array.from({ length: perRequest }, (_, i) => reading(first + i));
      const response = await fetch(`${gateway.url}/v1/ingest/telemetry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.key },
        body: JSON.stringify(items),
      });
      assert.equal(response.status, 202);
      assert.equal(((await response.json()) as IngestAnswer).accepted, perRequest);
    };
    try {
      // one request after another: each is its own record batches on the raw topic
      for (let r = 0; r < requests; r++) await post(r * perRequest);
      await post(0); // the first request again: duplicates inside the backlog
    } finally {
      await gateway.stop(Date.now() + 5000);
      await key.revoke();
    }

    const total = requests * perRequest;
    const pipeline = await startTelemetryPipeline({
      rawFrom,
      processor: {
        // fetches of one or two record batches a partition (~40 readings each), so the backlog is
        // many batches a partition; none commits before its partition's end
        PROCESSOR_TELEMETRY_MAX_BYTES_PER_PARTITION: '16384',
        PROCESSOR_TELEMETRY_MAX_BYTES: '98304',
        PROCESSOR_TELEMETRY_BACKLOG_COMMIT_INTERVAL_MS: '60000',
      },
    });
    try {
      await pipeline.loaded(deviceAndBelow(device), total, 120_000);
      const { postgres, clickhouse } = await pipeline.stored(deviceAndBelow(device));
      postgres.sort(bySourceTime);
      clickhouse.sort(bySourceTime);
      assert.deepEqual(clickhouse, postgres);
      assert.equal(postgres.length, total);
      postgres.forEach(({ flags: _flags, score: _score, value, ...fields }, n) => {
        const { value: wantedValue, ...wanted } = expected(n);
        assert.deepEqual(fields, wanted);
        assert.ok(Math.abs(value - wantedValue) <= 1e-9, `reading ${n}: ${value}, expected ${wantedValue}`);
      });
      assert.ok(postgres.every(({ flags }) => flags.includes('unknown_device')));

      // other tests' readings share the raw topic: this backlog's are the ones of its devices
      const offsets = new Map<number, { all: number[]; backlog: number[] }>();
      await readTopicToEnd(kafka, pipeline.normalizedTopic, {
        timeoutMs: 60_000,
        onMessages: (partition, messages) => {
          const seen = offsets.get(partition) ?? { all: [], backlog: [] };
          offsets.set(partition, seen);
          for (const message of messages) {
            const offset = Number(message.offset);
            seen.all.push(offset);
            const reading = pipeline.serde.decodeSync<TelemetryReading>(
              pipeline.normalizedTopic,
              message.value,
            );
            if (reading.value.deviceId.startsWith(`${device}/`)) seen.backlog.push(offset);
          }
        },
      });
      const backlogRecords = [...offsets.values()].reduce((sum, { backlog }) => sum + backlog.length, 0);
      assert.equal(backlogRecords, total);
      // a commit leaves a marker at an offset of every partition it wrote to: none may fall
      // between a partition's first and last reading of the backlog
      for (const [partition, { all, backlog }] of offsets) {
        if (backlog.length === 0) continue;
        const [first, last] = [Math.min(...backlog), Math.max(...backlog)];
        const records = all.filter((offset) => offset >= first && offset <= last).length;
        assert.equal(last - first + 1 - records, 0, `commit markers inside partition ${partition}'s backlog`);
      }
    } finally {
      await pipeline.stop();
    }
  });
});
