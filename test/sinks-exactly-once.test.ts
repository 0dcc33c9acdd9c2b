import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient } from '@clickhouse/client';
import type { Producer } from 'kafkajs';
import pg from 'pg';
import { projectRoot } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { normalizedReadings, privateTelemetryTopic, publishReadings } from '../sinks/fixtures.ts';
import { sluice, uniqueSuffix, waitFor } from './support.ts';

/**
 * The sinks' promise end to end, on private PostgreSQL and ClickHouse servers (so restarting
 * them disturbs nobody): 100,000 events with redelivered batches land exactly once in both,
 * although each sink is SIGKILLed mid-load and both databases restart during the load.
 */
describe('sinks: exactly once through SIGKILL and database restarts', { timeout: 240_000 }, () => {
  const suffix = uniqueSuffix();
  const topic = `test.normalized.telemetry.${suffix}`;
  const prefix = `e2e-${suffix}`;
  const events = 100_000;
  const home = mkdtempSync(join(tmpdir(), 'sluice-sinks-'));
  // PostgreSQL runs as its own user when we are root: it must reach its data dir under here
  chmodSync(home, 0o755);
  const ports = { postgres: 24632, clickhouse: 24623, clickhouseTcp: 24624 };
  const stackEnv = {
    SLUICE_HOME: home,
    SLUICE_POSTGRES_PORT: String(ports.postgres),
    SLUICE_CLICKHOUSE_PORT: String(ports.clickhouse),
    SLUICE_CLICKHOUSE_TCP_PORT: String(ports.clickhouseTcp),
  };
  const kafka = createKafka('test-sinks-e2e');
  const pool = new pg.Pool({
    connectionString: `postgres://sluice:sluice@127.0.0.1:${ports.postgres}/sluice`,
  });
  pool.on('error', () => {}); // the test restarts the server under it
  // the local stack's users: the sinks' `sluice` (default has a password only the launcher knows)
  const clickhouse = createClient({
    url: `http://127.0.0.1:${ports.clickhouse}`,
    database: 'sluice',
    username: 'sluice',
    password: 'sluice',
  });
  const logs = { postgres: [] as string[], clickhouse: [] as string[] };
  const children = new Set<ChildProcess>();
  let serde: AvroSerde;
  let producer: Producer;

  function stack(...args: string[]) {
    const result = sluice(['stack', ...args, 'postgres', 'clickhouse'], stackEnv);
    assert.equal(result.status, 0, `sluice stack ${args.join(' ')}: ${result.stderr}`);
  }

  function startSink(kind: 'postgres' | 'clickhouse'): ChildProcess {
    const env: NodeJS.ProcessEnv = { ...process.env, ...stackEnv, LOG_LEVEL: 'info' };
    for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'CLICKHOUSE_DATABASE']) delete env[name];
    Object.assign(
      env,
      kind === 'postgres'
        ? {
            SINK_POSTGRES_TELEMETRY_TOPIC: topic,
            SINK_POSTGRES_PRICING_TOPIC: '',
            SINK_POSTGRES_GROUP_ID: `test-e2e-postgres-${suffix}`,
            SINK_POSTGRES_RETRY_MAX_DELAY_MS: '1000',
          }
        : {
            SINK_CLICKHOUSE_TELEMETRY_TOPIC: topic,
            SINK_CLICKHOUSE_PRICING_TOPIC: '',
            SINK_CLICKHOUSE_GROUP_ID: `test-e2e-clickhouse-${suffix}`,
            SINK_CLICKHOUSE_RETRY_MAX_DELAY_MS: '1000',
            // several batches, so the kills and the restart land between and inside them
            SINK_CLICKHOUSE_BATCH_ROWS: '10000',
          },
    );
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), 'run', 'sink', kind], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => logs[kind].push(...chunk.split('\n')));
    }
    return child;
  }

  async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = await exited;
    return code as number | null;
  }

  const quietly = async (read: () => Promise<number>) => read().catch(() => -1);
  const postgresRows = () =>
    quietly(async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM telemetry_readings WHERE device_id LIKE $1',
            [`${prefix}-%`],
          )
        ).rows[0]?.n,
      ),
    );
  async function clickhouseNumber(query: string): Promise<number> {
    const [row] = await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>();
    return Number(row?.n);
  }
  const ours = `device_id LIKE '${prefix}-%'`;
  const clickhouseRows = () =>
    quietly(() => clickhouseNumber(`SELECT toString(count()) AS n FROM telemetry_readings WHERE ${ours}`));
  const postgresOffsets = () =>
    quietly(async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT coalesce(sum(next_offset), 0) AS n FROM sink_offsets WHERE topic = $1',
            [topic],
          )
        ).rows[0]?.n,
      ),
    );
  const clickhouseOffsets = () =>
    quietly(() =>
      clickhouseNumber(
        `SELECT toString(sum(next)) AS n FROM (SELECT maxMerge(next_offset) AS next FROM sink_progress
         WHERE kafka_topic = '${topic}' GROUP BY kafka_partition)`,
      ),
    );

  before(async () => {
    stack('up');
    ({ serde, producer } = await privateTelemetryTopic(kafka, topic));
  });

  after(async () => {
    for (const child of children) await kill(child, 'SIGKILL');
    await producer?.disconnect();
    await pool.end();
    await clickhouse.close();
    stack('down');
    rmSync(home, { recursive: true, force: true });
  });

  /** waitFor, failing with the sinks' last log lines: what a stuck sink was doing. */
  async function waitForSinks(what: string, condition: () => Promise<boolean>): Promise<void> {
    try {
      await waitFor(what, condition, 120_000);
    } catch (err) {
      const tails = Object.entries(logs).map(
        ([kind, lines]) => `${kind} sink:\n${lines.slice(-25).join('\n')}`,
      );
      throw new Error(`${(err as Error).message}\n${tails.join('\n')}`);
    }
  }

  it('loads 100,000 events exactly once into PostgreSQL and ClickHouse', async () => {
    const readings = normalizedReadings(events, { prefix, devices: 200 });
    const chunk = 5_000;
    let published = 0;
    const publish = async (from: number, to: number) => {
      for (let start = from; start < to; start += chunk) {
        await publishReadings(producer, serde, topic, readings.slice(start, start + chunk));
        published += chunk;
        if ((start / chunk) % 4 === 3) {
          // an upstream redelivery of the previous chunk
          await publishReadings(producer, serde, topic, readings.slice(start - chunk, start));
          published += chunk;
        }
      }
    };
    // publishing goes on while the sinks load: the kills happen mid-load
    const publishing = publish(0, 60_000);

    let postgresSink = startSink('postgres');
    let clickhouseSink = startSink('clickhouse');

    // ClickHouse loads faster: killed first, so both kills land while there is more to load
    await waitForSinks('ClickHouse partly loaded', async () => (await clickhouseRows()) >= 15_000);
    assert.equal(await kill(clickhouseSink, 'SIGKILL'), null);
    const clickhouseAtKill = await clickhouseRows();
    clickhouseSink = startSink('clickhouse');

    await waitForSinks('PostgreSQL partly loaded', async () => (await postgresRows()) >= 15_000);
    assert.equal(await kill(postgresSink, 'SIGKILL'), null);
    const postgresAtKill = await postgresRows();
    postgresSink = startSink('postgres');

    await publishing;
    // events the restarted sinks cannot have seen: a sink may have loaded all of the first ones before its kill
    await publish(60_000, 80_000);
    await waitForSinks(
      'both restarted sinks writing',
      async () =>
        (await postgresRows()) >= postgresAtKill + 10_000 &&
        (await clickhouseRows()) >= clickhouseAtKill + 10_000,
    );
    // both databases go away while the last events arrive, and come back
    stack('down');
    await publish(80_000, events);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    stack('up');

    await waitForSinks('PostgreSQL offsets at the end', async () => (await postgresOffsets()) === published);
    await waitForSinks(
      'ClickHouse offsets at the end',
      async () => (await clickhouseOffsets()) === published,
    );

    assert.equal(await postgresRows(), events);
    assert.equal(
      await clickhouseNumber(`SELECT toString(count()) AS n FROM telemetry_readings FINAL WHERE ${ours}`),
      events,
    );
    assert.equal(
      await clickhouseNumber(
        `SELECT toString(sum(n)) AS n FROM (SELECT countMerge(readings) AS n FROM telemetry_rollup_minute
         WHERE ${ours} GROUP BY device_id, metric, unit, bucket)`,
      ),
      events,
      'every event counted once in the minute rollup',
    );
    for (const kind of ['postgres', 'clickhouse'] as const) {
      const text = logs[kind].join('\n');
      assert.match(text, /consumption paused until it succeeds/, `${kind} sink paused during the outage`);
      assert.match(text, /consumption resumed/, `${kind} sink resumed after the outage`);
      assert.match(text, /"state":"degraded"|failing since/, `${kind} sink reported degraded health`);
    }
    for (const kind of ['postgres', 'clickhouse'] as const) {
      const evidence = logs[kind].filter((line) => /consumption (paused|resumed)/.test(line));
      process.stderr.write(`${kind} sink outage log:\n${evidence.join('\n')}\n`);
    }
    process.stderr.write(
      `killed PostgreSQL sink at ${postgresAtKill} rows, ClickHouse sink at ${clickhouseAtKill}; ${published} messages published for ${events} events\n`,
    );

    assert.equal(await kill(postgresSink, 'SIGTERM'), 0);
    assert.equal(await kill(clickhouseSink, 'SIGTERM'), 0);
  });
});
