import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseFeatures, featuresOf } from '../../lib/clickhouse.ts';
import { projectRoot } from '../../lib/config.ts';
import { samples } from '../../schemas/samples.ts';
import { normalizedReadings } from '../fixtures.ts';
import { clickhouseMigrations, renamedTables, statementsFor } from './clickhouse-schema.ts';
import { priceLine, telemetryColumns, timeOf, writeTelemetryRow } from './clickhouse-writer.ts';
import { applyRetention } from './retention.ts';
import { RowBinaryWriter } from './row-binary.ts';

type Step = { sql: string } | { parse: string } | { rowBinary: string; table: string; columns: string[] };
type Result = { rows?: Record<string, unknown>[]; error?: string };

/** Runs steps on the current ClickHouse engine embedded in chdb (PyPI chdb-core), in one session. */
function chdb(steps: Step[]): Result[] {
  const run = spawnSync('python3', [join(projectRoot, 'test', 'tools', 'chdb_run.py')], {
    input: JSON.stringify(steps),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Result[];
}

function rowsOf(result: Result | undefined, what: string): Record<string, unknown>[] {
  assert.ok(result && !result.error, `${what}: ${result?.error}`);
  return result.rows ?? [];
}

/**
 * The statements the migrations run on a fresh database, in order: each migration applied to a
 * client that records its commands (and finds no columns, as on a fresh database).
 */
async function migrationStatements(features: ClickHouseFeatures): Promise<string[]> {
  const statements: string[] = [];
  const recorder = {
    command: async ({ query }: { query: string }) => void statements.push(query),
    query: async () => ({ json: async () => [] }),
  } as unknown as ClickHouseClient;
  for (const migration of clickhouseMigrations) await migration.apply(recorder, features);
  return statements;
}

/**
 * No current ClickHouse server installs on these machines (only Debian's 18.16 runs as one): the
 * DDL Sluice generates for current versions, the rows its writer encodes, the rollups and the
 * documented queries run here on the current engine that chdb embeds. The cluster form of the DDL
 * needs ZooKeeper and other servers, which chdb has not: it is parsed by the current engine (and
 * runs for real on 18.16 in test/cluster/clickhouse-replicas.test.ts).
 */
describe('current ClickHouse (the engine embedded in chdb)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-chdb-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const [versionResult] = chdb([{ sql: 'SELECT version() AS version' }]);
  const version = String(rowsOf(versionResult, 'version')[0]?.version);
  const features = featuresOf(version);
  const statements = await migrationStatements(features);

  it(`creates the tables, loads the writer's rows and answers the documented queries (ClickHouse ${version})`, async () => {
    assert.ok(
      features.dateTime64 && features.lowCardinality && features.ttl,
      `${version} is a current version`,
    );
    const topic = 'normalized.telemetry.readings.v1';
    const readings = normalizedReadings(1_000, { prefix: 'chdb', devices: 10 });
    const body = new RowBinaryWriter(readings.length * 320);
    for (const [offset, reading] of readings.entries()) {
      writeTelemetryRow(
        body,
        reading,
        { kafka_topic: topic, kafka_partition: 0, kafka_offset: offset },
        features,
      );
    }
    const file = join(dir, 'telemetry.rowbinary');
    writeFileSync(file, body.bytes());
    const price = samples['normalized.pricing.prices.v1'];
    const prices = priceLine(
      price,
      { kafka_topic: 'normalized.pricing.prices.v1', kafka_partition: 2, kafka_offset: 41 },
      timeOf(features),
    );
    // the TTLs applyRetention sets on a current server, captured from the client it is given
    const ttl: string[] = [];
    const capture = { command: async ({ query }: { query: string }) => void ttl.push(query) };
    await applyRetention(
      capture as never,
      features,
      { readingsDays: 30, rollupDays: 365 },
      { database: 'sluice' },
    );
    assert.equal(ttl.length, 3);

    const device = readings[0]?.deviceId as string;
    const results = chdb([
      { sql: 'CREATE DATABASE sluice' },
      { sql: 'USE sluice' },
      ...statements.map((sql) => ({ sql })),
      { rowBinary: file, table: 'telemetry_readings', columns: telemetryColumns },
      // the same rows again (a redelivery the window missed): the table collapses them
      { rowBinary: file, table: 'telemetry_readings', columns: telemetryColumns },
      { sql: `INSERT INTO pricing_prices FORMAT JSONEachRow ${prices}` },
      ...ttl.map((sql) => ({ sql })),
      { sql: 'SELECT count() AS n, uniqExact(event_id) AS ids FROM telemetry_readings FINAL' },
      {
        sql: `SELECT bucket, countMerge(readings) AS n, minMerge(min_value) AS min, maxMerge(max_value) AS max,
       avgMerge(avg_value) AS avg, argMaxMerge(last_value) AS last
FROM telemetry_rollup_minute
WHERE device_id = '${device}' AND metric = 'temperature'
GROUP BY bucket ORDER BY bucket`,
      },
      {
        sql: `SELECT toStartOfHour(source_time) AS hour, site_id, avg(value) AS average
FROM telemetry_readings FINAL WHERE metric = 'pressure' GROUP BY hour, site_id ORDER BY hour`,
      },
      {
        sql: `SELECT provider, region, sku, argMax(price_per_unit_usd, effective_from) AS usd, max(effective_from) AS since
FROM pricing_prices FINAL WHERE category = '${price.category}' GROUP BY provider, region, sku ORDER BY usd LIMIT 20`,
      },
      {
        sql: `SELECT source_table, kafka_partition, maxMerge(next_offset) AS next FROM sink_progress
GROUP BY source_table, kafka_partition ORDER BY source_table`,
      },
      {
        sql: 'SELECT toString(source_time) AS t, source_ms FROM telemetry_readings ORDER BY source_ms LIMIT 1',
      },
    ]);
    const queries = results.slice(-6);
    for (const [i, result] of results.slice(0, -6).entries()) rowsOf(result, `step ${i + 1}`);

    assert.deepEqual(
      rowsOf(queries[0], 'count').map((row) => [Number(row.n), Number(row.ids)]),
      [[1000, 1000]],
    );
    const minutes = rowsOf(queries[1], 'minute rollup');
    const expected = readings.filter((r) => r.deviceId === device && r.metric === 'temperature');
    assert.equal(
      minutes.reduce((sum, row) => sum + Number(row.n), 0),
      expected.length * 2,
      'the rollups count what was inserted (the sink keeps redeliveries out of them)',
    );
    assert.ok(rowsOf(queries[2], 'hourly average').length > 0);
    assert.deepEqual(
      rowsOf(queries[3], 'current price').map((row) => [row.provider, row.sku, Number(row.usd)]),
      [[price.provider, price.sku, Number(price.pricePerUnitUsd)]],
    );
    assert.deepEqual(
      rowsOf(queries[4], 'progress').map((row) => [
        row.source_table,
        Number(row.kafka_partition),
        String(row.next),
      ]),
      [
        ['pricing_prices', 2, '42'],
        ['telemetry_readings', 0, '1000'],
      ],
    );
    const [first] = rowsOf(queries[5], 'millisecond times');
    const earliest = readings.reduce((a, b) => (a.sourceTime <= b.sourceTime ? a : b));
    assert.equal(Number(first?.source_ms), earliest.sourceTime);
    assert.equal(first?.t, new Date(earliest.sourceTime).toISOString().replace('T', ' ').replace('Z', ''));
  });

  it('parses the cluster form of every statement: replicated and Distributed tables, views, copies', () => {
    const layout = { database: 'sluice', cluster: 'sluice' };
    // a renamed table keeps its sorting key, which the cluster form reads from the server: any key parses
    const sortingKeys = new Map(
      statements.flatMap((statement) => renamedTables(statement) ?? []).map(([from]) => [from, 'event_id']),
    );
    const clustered = statements.flatMap((statement) => statementsFor(layout, statement, sortingKeys));
    const queries = clustered.map((command) => command.query);
    assert.ok(
      queries.some((s) => /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}/.test(s)),
    );
    assert.ok(
      queries.some((s) =>
        /ENGINE = Distributed\(sluice, sluice, telemetry_readings_local, cityHash64/.test(s),
      ),
    );
    const parsed = chdb(queries.map((parse) => ({ parse })));
    const formatted = parsed.map((result, i) =>
      String(rowsOf(result, queries[i]?.slice(0, 60) ?? '')[0]?.formatted),
    );
    // data has no ON CLUSTER form: migration 2's copy runs once, between the Distributed tables (which
    // shard every row by the new table's key), and waits until every shard holds its rows
    const copies = clustered.filter((command) => command.query.startsWith('INSERT'));
    assert.deepEqual(
      copies.map(({ query, clickhouse_settings }) => [
        /^INSERT INTO sluice\.pricing_prices_v2 \([^)]*\) SELECT [\s\S]* FROM sluice\.pricing_prices$/.test(
          query,
        ),
        clickhouse_settings,
      ]),
      [[true, { insert_distributed_sync: 1 }]],
    );
    formatted.forEach((text, i) => {
      if (clustered[i]?.query.startsWith('INSERT')) assert.doesNotMatch(text, /_local/);
      else assert.match(text, /ON CLUSTER sluice/);
    });
  });
});
