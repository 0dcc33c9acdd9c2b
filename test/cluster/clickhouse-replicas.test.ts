import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import { clickhouseSettings, createClickHouse, detectFeatures } from '../../lib/clickhouse.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka, kafkaSettings } from '../../lib/kafka.ts';
import { registrySettings } from '../../lib/registry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { samples } from '../../schemas/samples.ts';
import { clickhouseMigrations, migrateClickHouse } from '../../sinks/clickhouse/clickhouse-schema.ts';
import { priceLine, timeOf } from '../../sinks/clickhouse/clickhouse-writer.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings } from '../../sinks/fixtures.ts';
import { localClickHouseAdmin, uniqueSuffix, waitFor } from '../support.ts';
import { deleteTopics } from '../telemetry-load.ts';
import { PrivateStack, stopProcess } from './cluster-support.ts';

/**
 * Two replicas of one shard on ClickHouse 18.16 (the Debian server) with a ZooKeeper, under a
 * home of their own (ports 23400–23422), fed by the ClickHouse sink from the local stack's Kafka:
 * 150,000 readings at 10,000 a second (and 10,000 re-published upstream) while the second replica is
 * stopped and restarted mid-load, then the first, the one the sink writes to. Both replicas must end with
 * every reading once (FINAL and without), and the same rollups. Before the load, migration 2 copies
 * prices between the Distributed tables of the cluster.
 */
const ports = {
  SLUICE_CLICKHOUSE_REPLICAS: '2',
  SLUICE_CLICKHOUSE_PORT: '23410',
  SLUICE_CLICKHOUSE_TCP_PORT: '23411',
  SLUICE_CLICKHOUSE_INTERSERVER_PORT: '23412',
  SLUICE_ZOOKEEPER_PORT: '23400',
};
const replicaUrls = ['http://127.0.0.1:23410', 'http://127.0.0.1:23420'];

describe('ClickHouse: two replicas converge through a replica restart mid-load', { timeout: 600_000 }, () => {
  const stack = new PrivateStack(ports);
  const suffix = uniqueSuffix();
  const topic = `test.normalized.telemetry.replicas.${suffix}`;
  const prefix = `replicas-${suffix}`;
  const events = 150_000;
  // the local stack's Kafka and registry (the environment wins over the private home's env file)
  const shared = {
    KAFKA_BROKERS: loadSettings(kafkaSettings).brokers.join(','),
    SCHEMA_REGISTRY_URL: loadSettings(registrySettings).url,
  };
  const kafka = createKafka('test-clickhouse-replicas');
  // as the stack's sluice user, once the stack is up and has written its connection variables
  let replicas: ClickHouseClient[] = [];
  let serde: AvroSerde;
  let producer: Producer;

  // a price and its twin in another currency: one row under migration 1's key, two under migration 2's
  const price = samples['normalized.pricing.prices.v1'];
  const prices = [price, { ...price, eventId: `${price.eventId}-eur`, originalCurrency: 'EUR' }];
  let migrated = '';

  before(async () => {
    stack.sluice(['stack', 'up', 'zookeeper', 'clickhouse']);
    replicas = replicaUrls.map((url) =>
      createClickHouse(loadSettings(clickhouseSettings, { ...stack.connection(), CLICKHOUSE_URL: url })),
    );
    // migration 1 and prices in it, so migration 2 (by the CLI) re-orders a table with rows on the cluster
    const layout = { database: 'sluice', cluster: 'sluice' };
    const admin = localClickHouseAdmin(stack.home);
    const cluster = createClickHouse({
      url: replicaUrls[0] as string,
      user: admin?.user ?? 'default',
      password: admin?.password ?? '',
      ...layout,
    });
    try {
      const features = await detectFeatures(cluster);
      await migrateClickHouse(cluster, features, layout, clickhouseMigrations.slice(0, 1));
      const lines = prices.map((p, offset) =>
        priceLine(
          p,
          { kafka_topic: 'normalized.pricing.prices.v1', kafka_partition: 0, kafka_offset: offset },
          timeOf(features),
        ),
      );
      await cluster.command({
        query: `INSERT INTO pricing_prices FORMAT JSONEachRow ${lines.join('\n')}`,
        // the comparison columns migration 2 adds
        clickhouse_settings: { input_format_skip_unknown_fields: 1 },
      });
    } finally {
      await cluster.close();
    }
    migrated = stack.sluice(['clickhouse', 'migrate', '--cluster', 'sluice']);
    ({ serde, producer } = await privateTelemetryTopic(kafka, topic));
  });

  after(async () => {
    await producer?.disconnect();
    for (const replica of replicas) await replica.close();
    await deleteTopics(kafka, [topic]);
    await stack.close();
  });

  const number = async (replica: number, query: string) => {
    try {
      const result = await (replicas[replica] as ClickHouseClient).query({ query, format: 'JSONEachRow' });
      return Number((await result.json<{ n: string }>())[0]?.n ?? 0);
    } catch {
      return -1; // that replica is down
    }
  };
  const ours = `device_id LIKE '${prefix}-%'`;
  // each replica's own table, not the Distributed one (which reads from any replica)
  const rows = (replica: number, final = '') =>
    number(replica, `SELECT toString(count()) AS n FROM telemetry_readings_local ${final} WHERE ${ours}`);

  it('migration 2 re-orders pricing_prices on both replicas with its rows', async () => {
    assert.match(migrated, /applied 2 pricing_prices ordered by the whole price identity/);
    for (const replica of [0, 1]) {
      const client = replicas[replica] as ClickHouseClient;
      await client.command({ query: 'SYSTEM SYNC REPLICA pricing_prices_local' });
      const result = await client.query({
        query: `SELECT event_id, original_currency FROM pricing_prices_local FINAL ORDER BY event_id`,
        format: 'JSONEachRow',
      });
      assert.deepEqual(
        await result.json(),
        prices.map((p) => ({ event_id: p.eventId, original_currency: p.originalCurrency })),
        `replica ${replica + 1}`,
      );
    }
  });

  it('both replicas hold every reading once, on 18.16', async () => {
    const version = (
      await (
        await (replicas[0] as ClickHouseClient).query({
          query: 'SELECT version() AS v',
          format: 'JSONEachRow',
        })
      ).json<{ v: string }>()
    )[0]?.v;
    process.stderr.write(`  ClickHouse ${version}, two replicas of one shard\n`);
    const readings = normalizedReadings(events, { prefix, devices: 300 });
    const sink = stack.start('sink-clickhouse', ['run', 'sink', 'clickhouse'], {
      ...shared,
      SINK_CLICKHOUSE_TELEMETRY_TOPIC: topic,
      SINK_CLICKHOUSE_PRICING_TOPIC: '',
      SINK_CLICKHOUSE_GROUP_ID: `test-replicas-${suffix}`,
      SINK_CLICKHOUSE_BATCH_ROWS: '10000',
      SINK_CLICKHOUSE_RETRY_MAX_DELAY_MS: '1000',
    });
    // the sink in the group before the first reading, so the load runs while the replicas stop and start
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      'the sink to join its group',
      async () => (await admin.describeGroups([`test-replicas-${suffix}`])).groups[0]?.state === 'Stable',
      180_000,
    );
    await admin.disconnect();
    // paced, 10,000 readings a second for 15 s, so the replicas stop and start while rows flow in
    const chunk = 2_000;
    let published = 0;
    const publishing = (async () => {
      for (let start = 0; start < events; start += chunk) {
        const due = Date.now() + 200;
        await publishReadings(producer, serde, topic, readings.slice(start, start + chunk));
        published += chunk;
        if (start === 50_000) {
          // an upstream redelivery of the previous 10,000: collapsed, and counted once in the rollups
          await publishReadings(producer, serde, topic, readings.slice(start - 10_000, start));
          published += 10_000;
        }
        await sleep(Math.max(0, due - Date.now()));
      }
    })();

    const waitRows = (what: string, replica: number, count: number) =>
      waitFor(what, async () => (await rows(replica)) >= count, 240_000).catch((err) => {
        throw new Error(`${(err as Error).message}\n${stack.tail('sink-clickhouse')}`);
      });

    await waitRows('a fifth loaded', 0, events / 5);
    stack.sluice(['stack', 'down', 'clickhouse-2']);
    process.stderr.write(
      `  replica 2 stopped at ${await rows(0)} rows on replica 1 (${published} published)\n`,
    );
    await waitRows('half loaded while replica 2 is down', 0, events / 2);
    stack.sluice(['stack', 'up', 'clickhouse-2']);
    process.stderr.write(
      `  replica 2 restarted at ${await rows(0)} rows on replica 1 (${published} published)\n`,
    );
    await waitRows('replica 2 caught up with the first half', 1, events / 2);
    stack.sluice(['stack', 'down', 'clickhouse-1']);
    process.stderr.write(
      `  replica 1 (the sink's) stopped at ${await rows(1)} rows on replica 2 (${published} published)\n`,
    );
    await publishing;
    stack.sluice(['stack', 'up', 'clickhouse-1']);
    process.stderr.write('  replica 1 restarted\n');

    const progress = () =>
      number(
        0,
        `SELECT toString(sum(next)) AS n FROM (SELECT maxMerge(next_offset) AS next FROM sink_progress
         WHERE kafka_topic = '${topic}' GROUP BY kafka_partition)`,
      );
    await waitFor(
      'the sink to reach the end of the topic',
      async () => (await progress()) === published,
      240_000,
    );
    for (const replica of [0, 1]) {
      await (replicas[replica] as ClickHouseClient).command({
        query: 'SYSTEM SYNC REPLICA telemetry_readings_local',
      });
      await (replicas[replica] as ClickHouseClient).command({
        query: 'SYSTEM SYNC REPLICA telemetry_rollup_minute_local',
      });
    }
    const counts = [];
    for (const replica of [0, 1]) {
      counts.push({
        replica: replica + 1,
        final: await rows(replica, 'FINAL'),
        rows: await rows(replica),
        distinct: await number(
          replica,
          `SELECT toString(uniqExact(event_id)) AS n FROM telemetry_readings_local WHERE ${ours}`,
        ),
        rollup: await number(
          replica,
          `SELECT toString(sum(n)) AS n FROM (SELECT countMerge(readings) AS n FROM telemetry_rollup_minute_local
           WHERE ${ours} GROUP BY device_id, metric, unit, bucket)`,
        ),
      });
    }
    process.stderr.write(
      `  ${published} messages for ${events} readings; replicas: ${JSON.stringify(counts)}\n`,
    );
    for (const count of counts) {
      assert.deepEqual(
        { final: count.final, rows: count.rows, distinct: count.distinct, rollup: count.rollup },
        { final: events, rows: events, distinct: events, rollup: events },
        `replica ${count.replica}`,
      );
    }
    await stopProcess(sink, 'SIGTERM');
    assert.equal(sink.exitCode, 0, stack.tail('sink-clickhouse'));
  });
});
