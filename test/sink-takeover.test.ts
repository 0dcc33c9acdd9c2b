import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import { clickhouseSettings, createClickHouse } from '../lib/clickhouse.ts';
import { sluiceProcess } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings } from '../sinks/fixtures.ts';
import { type UnexpectedExit, WatchedProcess } from './private-platform.ts';
import { sourceCli, uniqueSuffix, waitFor } from './support.ts';
import { deleteTopics } from './telemetry-load.ts';

/**
 * A ClickHouse sink instance paused past its session timeout (a stopped process, a frozen VM)
 * while it holds a batch it has not written: the group hands its partitions to the other instance,
 * which writes them. ClickHouse has no transaction to fence the paused one off when it wakes, so
 * it must not write that batch: every reading is in ClickHouse once, its rollups count it once.
 */
describe('ClickHouse sink: an instance paused past its session hands over without writing twice', {
  timeout: 180_000,
}, () => {
  const suffix = uniqueSuffix();
  const topic = `test.normalized.telemetry.takeover.${suffix}`;
  const prefix = `takeover-${suffix}`;
  const readings = normalizedReadings(2_000, { prefix, devices: 60 });
  const kafka = createKafka('test-sink-takeover');
  const report = { exits: [] as UnexpectedExit[], crashLines: [] as string[] };
  const logs = new Map<string, string[]>();
  const sinks: WatchedProcess[] = [];
  let clickhouse: ClickHouseClient;
  let serde: AvroSerde;
  let producer: Producer;

  /** `sluice run sink clickhouse` on the test's topic: batches that wait 4 s, none full. */
  function startSink(name: string): WatchedProcess {
    const lines: string[] = [];
    logs.set(name, lines);
    const env = {
      ...process.env,
      LOG_LEVEL: 'info',
      OPS_PORT: '0',
      SINK_CLICKHOUSE_TELEMETRY_TOPIC: topic,
      SINK_CLICKHOUSE_PRICING_TOPIC: '',
      SINK_CLICKHOUSE_GROUP_ID: `test-takeover-${suffix}`,
      SINK_CLICKHOUSE_BATCH_ROWS: '100000',
      SINK_CLICKHOUSE_BATCH_MAX_WAIT_MS: '4000',
      SINK_CLICKHOUSE_RETRY_MAX_DELAY_MS: '1000',
    };
    const sink = new WatchedProcess(
      name,
      sluiceProcess(sourceCli, ['run', 'sink', 'clickhouse'], env),
      lines,
      report,
    );
    sinks.push(sink);
    return sink;
  }

  /** Records the sink took from Kafka so far (its received counter), 0 before it answers. */
  async function received(sink: WatchedProcess): Promise<number> {
    if (!sink.opsUrl) return 0;
    const text = await (await fetch(`${sink.opsUrl}/metrics`)).text();
    return [...text.matchAll(/^sluice_events_received_total\{[^}]*\} (\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  }

  async function clickhouseNumber(query: string): Promise<number> {
    const [row] = await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>();
    return Number(row?.n);
  }
  const ours = `device_id LIKE '${prefix}-%'`;
  const rows = () => clickhouseNumber(`SELECT toString(count()) AS n FROM telemetry_readings WHERE ${ours}`);
  const rolledUp = () =>
    clickhouseNumber(
      `SELECT toString(sum(n)) AS n FROM (SELECT countMerge(readings) AS n FROM telemetry_rollup_minute
       WHERE ${ours} GROUP BY device_id, metric, unit, bucket)`,
    );

  before(async () => {
    clickhouse = createClickHouse(loadSettings(clickhouseSettings));
    ({ serde, producer } = await privateTelemetryTopic(kafka, topic));
  });

  after(async () => {
    for (const sink of sinks) await sink.stop();
    await producer?.disconnect();
    await clickhouse?.close();
    await deleteTopics(kafka, [topic]);
  });

  it('the paused instance, woken, leaves the batch it held to the instance that took its partitions over', async () => {
    const first = startSink('first');
    await waitFor('the first instance ready', async () => (await first.readiness())?.status === 200);
    await publishReadings(producer, serde, topic, readings);
    // paused holding every reading, before its batch's 4 s are up
    await waitFor(
      'the first instance holding every reading',
      async () => (await received(first)) === 2_000,
      30_000,
    );
    await first.signal('SIGSTOP');
    const pausedAt = Date.now();

    const second = startSink('second');
    // the group waits for the paused member until its session (15 s) is over, then the second
    // instance takes every partition and writes the readings
    await waitFor('the second instance wrote the readings', async () => (await rows()) === 2_000, 60_000);
    assert.ok(
      Date.now() - pausedAt > 15_000 * 0.8,
      'written before the paused member could have lost its partitions',
    );
    await first.signal('SIGCONT');

    await waitFor(
      'both instances ready in the group again',
      async () => (await first.readiness())?.status === 200 && (await second.readiness())?.status === 200,
      60_000,
    );
    // the woken instance's overdue batch would have gone in by now
    await sleep(3_000);
    assert.equal(
      await rows(),
      2_000,
      `the woken instance wrote its batch again:\n${logs.get('first')?.slice(-20).join('\n')}`,
    );
    assert.equal(await rolledUp(), 2_000, 'the minute rollups counted readings twice');
    assert.ok(
      logs.get('first')?.some((line) => line.includes('the group has not confirmed this member')),
      'the woken instance did not say why it held its write back',
    );
    assert.deepEqual(report.exits, []);
    assert.deepEqual(report.crashLines, []);
  });
});
