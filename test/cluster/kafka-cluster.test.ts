import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createApiKey } from '../../lib/api-keys.ts';
import { clickhouseSettings, createClickHouse } from '../../lib/clickhouse.ts';
import { loadSettings } from '../../lib/config.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import type { TelemetryReading } from '../../schemas/types.ts';
import { uniqueSuffix } from '../support.ts';
import { readAll } from '../telemetry-load.ts';
import { PrivateStack, stopProcess, waitForWorkers, workerPids } from './cluster-support.ts';

/**
 * The whole path on a three-broker KRaft cluster with two instances of everything: a counted load
 * of HTTP readings through two gateways while a broker is SIGKILLed and restarted, one processor
 * and one sink instance of each kind are SIGKILLed (their supervisor replaces them, so partitions
 * move twice), and the raw and normalized topics' partitions are reassigned. Every reading a
 * gateway acknowledged must then be in the normalized topic, PostgreSQL and ClickHouse exactly
 * once. Bounded: 45,000 readings sent over 90 s, 6 minutes for everything to arrive.
 *
 * Ports 23200–23245 (the cluster engineer's block), servers under a fresh SLUICE_HOME.
 */
const ports = {
  SLUICE_KAFKA_BROKERS: '3',
  SLUICE_KAFKA_PORT: '23200',
  SLUICE_KAFKA_CONTROLLER_PORT: '23201',
  SLUICE_KAFKA_HEAP: '512m',
  SLUICE_REGISTRY_PORT: '23230',
  SLUICE_POSTGRES_PORT: '23232',
  SLUICE_CLICKHOUSE_PORT: '23234',
  SLUICE_CLICKHOUSE_TCP_PORT: '23235',
  SLUICE_MOSQUITTO_PORT: '23236',
};
const gatewayPorts = [23240, 23241];
const ratePerSecond = 500;
const loadSeconds = 90;
const batchSize = 100;

interface Ledger {
  acknowledged: number;
  normalized: number;
  normalizedDistinct: number;
  postgres: number;
  clickhouseFinal: number;
  clickhouseRows: number;
  clickhouseRollup: number;
  deadLetters: number;
  lost: { normalized: number; postgres: number; clickhouse: number };
  duplicated: { normalized: number; postgres: number; clickhouse: number };
  unacknowledgedButDelivered: number;
}

describe('three-broker Kafka, two instances of everything, one of each killed', {
  timeout: 1_200_000,
}, () => {
  const stack = new PrivateStack(ports);
  const suffix = uniqueSuffix();
  const devicePrefix = `cluster-${suffix}`;
  const acknowledged = new Set<string>();
  let pool: pg.Pool;
  let kafka: Kafka;

  before(() => {
    stack.sluice(['stack', 'up', 'kafka', 'registry', 'postgres', 'clickhouse']);
    stack.sluice(['migrate']);
    const connection = stack.connection();
    pool = new pg.Pool({ connectionString: connection.DATABASE_URL });
    pool.on('error', () => {});
    kafka = new Kafka({
      clientId: 'cluster-test',
      brokers: (connection.KAFKA_BROKERS as string).split(','),
      logLevel: logLevel.NOTHING,
      // a broker restarting on a busy two-core machine can take seconds to accept a connection
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
      retry: { retries: 10, maxRetryTime: 30_000 },
    });
  });

  after(async () => {
    await pool?.end();
    await stack.close();
  });

  it('loses and duplicates nothing a gateway acknowledged', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const raw = topics.rawTelemetry.topic;
    const normalized = topics.normalizedTelemetry.topic;
    for (const { name, partitions } of (await admin.fetchTopicMetadata({ topics: [raw, normalized] }))
      .topics) {
      for (const partition of partitions) {
        assert.equal(partition.replicas.length, 3, `${name} ${partition.partitionId} has 3 replicas`);
      }
    }
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: raw, configNames: ['min.insync.replicas'] }],
    });
    assert.equal(resources[0]?.configEntries[0]?.configValue, '2');

    const { key } = await createApiKey(pool, { name: `cluster-${suffix}`, roles: ['ingest'] });
    const fast = { SESSION: '10000', HEARTBEAT: '1000' };
    const processors = stack.start('processors', ['run', 'processor', 'telemetry', '--instances', '2'], {
      PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: fast.SESSION,
      PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: fast.HEARTBEAT,
    });
    const postgresSinks = stack.start('sinks-postgres', ['run', 'sink', 'postgres', '--instances', '2'], {
      SINK_POSTGRES_BATCH_MAX_WAIT_MS: '200',
    });
    const clickhouseSinks = stack.start(
      'sinks-clickhouse',
      ['run', 'sink', 'clickhouse', '--instances', '2'],
      {
        SINK_CLICKHOUSE_BATCH_ROWS: '5000',
        SINK_CLICKHOUSE_BATCH_MAX_WAIT_MS: '500',
      },
    );
    const gateways = gatewayPorts.map((port, i) =>
      stack.start(`gateway-${i + 1}`, ['run', 'gateway'], {
        HTTP_GATEWAY_PORT: String(port),
        HTTP_GATEWAY_WORKERS: '1',
      }),
    );
    for (const supervisor of [processors, postgresSinks, clickhouseSinks])
      await waitForWorkers(supervisor.pid as number, 2);
    for (const port of gatewayPorts) await waitHttp(`http://127.0.0.1:${port}/healthz`, 120_000);
    await waitForGroups(admin, {
      'sluice-telemetry-processor': 2,
      'sluice-sink-postgres': 2,
      'sluice-sink-clickhouse': 2,
    });

    // the faults, at set times into the load; the assertions below depend on none of their timing
    const faults: [atSecond: number, what: string, act: () => Promise<void>][] = [
      [10, 'SIGKILL broker kafka-2', () => killAndWait(stack.serverPid('kafka-2'))],
      [25, 'restart broker kafka-2', async () => restart(stack, 'kafka-2', ['23210', '23211'])],
      [35, 'SIGKILL a processor instance', async () => killOneWorker(processors.pid as number)],
      [45, 'SIGKILL a PostgreSQL sink instance', async () => killOneWorker(postgresSinks.pid as number)],
      [50, 'SIGKILL a ClickHouse sink instance', async () => killOneWorker(clickhouseSinks.pid as number)],
      [
        60,
        'reassign the partitions of the raw and normalized topics',
        () => reassign(admin, [raw, normalized]),
      ],
    ];
    const load = sendLoad(key, devicePrefix, acknowledged);
    const began = Date.now();
    for (const [atSecond, what, act] of faults) {
      const wait = began + atSecond * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      process.stderr.write(`  t+${((Date.now() - began) / 1000).toFixed(0)}s ${what}\n`);
      await act();
    }
    const sent = await load;
    process.stderr.write(`  load done: ${sent.sent} readings sent, ${acknowledged.size} acknowledged\n`);
    assert.ok(acknowledged.size > sent.sent * 0.5, 'most readings acknowledged');
    await waitForReassignment(admin);
    await admin.disconnect();

    const clickhouse = createClickHouse(loadSettings(clickhouseSettings, stack.connection()));
    const ours = `device_id LIKE '${devicePrefix}-%'`;
    const chNumber = async (query: string) =>
      Number(
        (await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n ?? 0,
      );
    const postgresCount = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM telemetry_readings WHERE device_id LIKE $1',
            [`${devicePrefix}-%`],
          )
        ).rows[0]?.n,
      );
    const deadline = Date.now() + 360_000;
    for (;;) {
      const [postgresRows, clickhouseRows] = [
        await postgresCount().catch(() => -1),
        await chNumber(`SELECT toString(count()) AS n FROM telemetry_readings FINAL WHERE ${ours}`).catch(
          () => -1,
        ),
      ];
      if (postgresRows >= acknowledged.size && clickhouseRows >= acknowledged.size) break;
      if (Date.now() > deadline) {
        throw new Error(
          `after 6 minutes PostgreSQL has ${postgresRows}, ClickHouse ${clickhouseRows} of ${acknowledged.size}:\n` +
            ['processors', 'sinks-postgres', 'sinks-clickhouse']
              .map((l) => `${l}:\n${stack.tail(l)}`)
              .join('\n'),
        );
      }
      await sleep(2000);
    }
    // a little longer: anything more would be a duplicate
    await sleep(5000);

    const serde = new AvroSerde(
      createRegistryClient({ url: stack.connection().SCHEMA_REGISTRY_URL as string }),
    );
    await serde.register(topics.normalizedTelemetry); // loads the schema decodeSync reads with
    const readings = (
      await readAll(kafka, normalized, (value) => serde.decodeSync<TelemetryReading>(normalized, value).value)
    ).filter((reading) => reading.deviceId.startsWith(`${devicePrefix}-`));
    const normalizedIds = new Set(readings.map((reading) => reading.eventId));
    const postgresIds = new Set(
      (
        await pool.query<{ event_id: string }>(
          'SELECT event_id FROM telemetry_readings WHERE device_id LIKE $1',
          [`${devicePrefix}-%`],
        )
      ).rows.map((row) => row.event_id),
    );
    const clickhouseIds = new Set(
      (
        await (
          await clickhouse.query({
            query: `SELECT DISTINCT event_id FROM telemetry_readings WHERE ${ours}`,
            format: 'JSONEachRow',
          })
        ).json<{ event_id: string }>()
      ).map((row) => row.event_id),
    );
    const dlq = dlqContract(raw).topic;
    const missing = (ids: Set<string>) => [...acknowledged].filter((id) => !ids.has(id)).length;
    const clickhouseRows = await chNumber(
      `SELECT toString(count()) AS n FROM telemetry_readings WHERE ${ours}`,
    );
    const postgresRows = await postgresCount();
    const ledger: Ledger = {
      acknowledged: acknowledged.size,
      normalized: readings.length,
      normalizedDistinct: normalizedIds.size,
      postgres: postgresRows,
      clickhouseFinal: await chNumber(
        `SELECT toString(count()) AS n FROM telemetry_readings FINAL WHERE ${ours}`,
      ),
      clickhouseRows,
      clickhouseRollup: await chNumber(
        `SELECT toString(sum(n)) AS n FROM (SELECT countMerge(readings) AS n FROM telemetry_rollup_minute
         WHERE ${ours} GROUP BY device_id, metric, unit, bucket)`,
      ),
      deadLetters: (await readAll(kafka, dlq, () => 1)).length,
      lost: {
        normalized: missing(normalizedIds),
        postgres: missing(postgresIds),
        clickhouse: missing(clickhouseIds),
      },
      duplicated: {
        normalized: readings.length - normalizedIds.size,
        postgres: postgresRows - postgresIds.size,
        clickhouse: clickhouseRows - clickhouseIds.size,
      },
      unacknowledgedButDelivered: [...normalizedIds].filter((id) => !acknowledged.has(id)).length,
    };
    await clickhouse.close();
    process.stderr.write(`  ledger ${JSON.stringify(ledger, null, 2).replace(/\n/g, '\n  ')}\n`);

    assert.deepEqual(ledger.lost, { normalized: 0, postgres: 0, clickhouse: 0 }, 'nothing acknowledged lost');
    assert.deepEqual(
      ledger.duplicated,
      { normalized: 0, postgres: 0, clickhouse: 0 },
      'nothing written twice',
    );
    const delivered = acknowledged.size + ledger.unacknowledgedButDelivered;
    assert.equal(ledger.postgres, delivered);
    assert.equal(ledger.clickhouseFinal, delivered);
    assert.equal(ledger.clickhouseRollup, delivered, 'each reading counted once in the minute rollup');
    assert.equal(ledger.deadLetters, 0);

    const labels = ['gateway-1', 'gateway-2', 'processors', 'sinks-postgres', 'sinks-clickhouse'];
    for (const [i, child] of [...gateways, processors, postgresSinks, clickhouseSinks].entries()) {
      await stopProcess(child, 'SIGTERM');
      const label = labels[i] as string;
      assert.equal(child.exitCode, 0, `${label} stopped by ${child.signalCode}:\n${stack.tail(label, 40)}`);
    }
  });
});

async function waitHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

/** Waits until each group has its members, so the load starts on a settled assignment. */
async function waitForGroups(
  admin: ReturnType<Kafka['admin']>,
  members: Record<string, number>,
): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { groups } = await admin.describeGroups(Object.keys(members));
    if (groups.every((group) => group.state === 'Stable' && group.members.length === members[group.groupId]))
      return;
    if (Date.now() > deadline)
      throw new Error(
        `groups not settled: ${groups.map((g) => `${g.groupId} ${g.state} ${g.members.length}`)}`,
      );
    await sleep(500);
  }
}

/** `sluice stack up <service>`; when it fails, what holds its ports is part of the error. */
function restart(stack: PrivateStack, service: string, ports: string[]): void {
  try {
    stack.sluice(['stack', 'up', service]);
  } catch (err) {
    const sockets = spawnSync('ss', ['-tanp'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((line) => ports.some((port) => line.includes(`:${port} `)));
    throw new Error(`${(err as Error).message}\nsockets on ${ports.join(', ')}:\n${sockets.join('\n')}`);
  }
}

/** SIGKILLs a process and waits until it is gone (its ports free), not only signalled. */
async function killAndWait(pid: number): Promise<void> {
  const alive = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  process.kill(pid, 'SIGKILL');
  while (alive()) await sleep(100);
}

function killOneWorker(supervisor: number): void {
  const [victim] = workerPids(supervisor);
  assert.ok(victim, `a worker of ${supervisor}`);
  process.kill(victim, 'SIGKILL');
}

/** Rotates every partition's replica list (1,2,3 → 2,3,1): its preferred leader moves, as in a rebalancing of brokers. */
async function reassign(admin: ReturnType<Kafka['admin']>, names: string[]): Promise<void> {
  const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
  await admin.alterPartitionReassignments({
    topics: metadata.map(({ name, partitions }) => ({
      topic: name,
      partitionAssignment: partitions.map(({ partitionId, replicas }) => ({
        partition: partitionId,
        replicas: [...replicas.slice(1), replicas[0] as number],
      })),
    })),
  });
}

async function waitForReassignment(admin: ReturnType<Kafka['admin']>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await admin.listPartitionReassignments({})).topics.length > 0) {
    if (Date.now() > deadline) throw new Error('the partition reassignment did not finish in 2 minutes');
    await sleep(1000);
  }
}

/**
 * Sends `ratePerSecond` readings a second for `loadSeconds`, in batches alternating between the
 * gateways. A batch not answered 2xx is sent again, to the other gateway, with the same message
 * ids (so the same event ids) until it is, for up to two minutes; the ids of accepted readings
 * are the acknowledged ones.
 */
async function sendLoad(
  key: string,
  devicePrefix: string,
  acknowledged: Set<string>,
): Promise<{ sent: number }> {
  const batches = (ratePerSecond * loadSeconds) / batchSize;
  const began = Date.now();
  const inFlight = new Set<Promise<void>>();
  const send = async (index: number) => {
    const body = JSON.stringify(
      Array.from({ length: batchSize }, (_, i) => {
        const n = index * batchSize + i;
        return {
          deviceId: `${devicePrefix}-${n % 400}`,
          siteId: `site-${n % 7}`,
          metric: n % 2 ? 'temperature' : 'pressure',
          value: (n % 1000) / 10,
          unit: n % 2 ? 'degC' : 'bar',
          ts: began - 60_000 + n,
          messageId: `m-${n}`,
        };
      }),
    );
    const giveUpAt = Date.now() + 120_000;
    for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
      const port = gatewayPorts[(index + attempt) % gatewayPorts.length];
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/ingest/telemetry`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        if (response.ok) {
          const answer = (await response.json()) as { results: { status: string; eventId?: string }[] };
          for (const result of answer.results)
            if (result.status === 'accepted' && result.eventId) acknowledged.add(result.eventId);
          return;
        }
        await response.body?.cancel();
      } catch {
        // refused, reset or timed out: sent again below
      }
      await sleep(Math.min(5000, 200 * 2 ** attempt));
    }
  };
  for (let index = 0; index < batches; index++) {
    const due = began + (index * batchSize * 1000) / ratePerSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    const sending = send(index);
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    // a bounded number of batches in flight: a gateway that stalls slows the load instead of piling it up
    while (inFlight.size >= 16) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { sent: batches * batchSize };
}
