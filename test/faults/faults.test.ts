import assert from 'node:assert/strict';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { createApiKey } from '../../lib/api-keys.ts';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { clickhouseSettings, createClickHouse } from '../../lib/clickhouse.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka, kafkaSettings, topicWatermarks } from '../../lib/kafka.ts';
import { createPgPool, postgresSettings } from '../../lib/postgres.ts';
import { createRegistryClient, registrySettings } from '../../lib/registry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { PricingFixtureServer } from '../pricing-fixture-server.ts';
import { type ComponentName, componentCommands, PrivatePlatform } from '../private-platform.ts';
import { sluiceAsync, uniqueSuffix } from '../support.ts';
import {
  clickhouseCopies,
  formatLedger,
  type LedgerColumn,
  ledgerColumn,
  readPrices,
  readTelemetrySinks,
  readTelemetryTopics,
  sinkRowCounts,
} from './ledger.ts';
import { HttpLoad, MqttLoad, type Refusal } from './load.ts';

/**
 * The fault suite: a counted load through the HTTP gateway and MQTT, and a price collection, while
 * processes and servers are killed as a hostile operator would; then the ledger from the topics
 * and databases. It fails on any acknowledged event lost or duplicated, on any process that died
 * without being killed, and on any component not back and ready within the time
 * docs/operations.md gives. `npm test` runs a bounded form (a processor, a sink and PostgreSQL's
 * postmaster killed); `npm run test:faults` (FAULTS_SUITE=full) runs every fault.
 */

const full = process.env.FAULTS_SUITE === 'full';

/** The suite's private stack, on ports of its own block (fixed ports stay below the ephemeral range). */
const ports = {
  kafka: 17050,
  controller: 17051,
  registry: 17052,
  postgres: 17053,
  clickhouse: 17054,
  clickhouseTcp: 17055,
  mosquitto: 17056,
  gateway: 17057,
};

/** Processors' consumer sessions time out this fast here (30 s by default); the sinks' take 15 s. */
const sessionTimeoutMs = 10_000;
const sinkSessionTimeoutMs = 15_000;

/** Recovery times from docs/operations.md, for the session timeouts above. */
const readyWithin = {
  /** A process started again after SIGKILL: its group's old member must time out first. */
  restarted: (component: ComponentName) =>
    60_000 +
    (component.endsWith('processor')
      ? sessionTimeoutMs
      : component.startsWith('sink')
        ? sinkSessionTimeoutMs
        : 0),
  /** PostgreSQL or ClickHouse answering again, or a table restored: the sink of that database. */
  databaseBack: 60_000,
  /** Kafka answering again: every component. */
  kafkaBack: 90_000,
};

const components = Object.keys(componentCommands) as ComponentName[];

describe(`fault suite (${full ? 'full' : 'bounded'}), on a private stack`, {
  timeout: (full ? 40 : 12) * 60_000,
}, () => {
  const run = uniqueSuffix();
  const prefix = `fault-${run}`;
  const platform = new PrivatePlatform(ports, {
    PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
    PROCESSOR_PRICING_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
    MQTT_BRIDGE_CLIENT_ID: `bridge-${run}`,
  });
  const story: string[] = [];
  let fixture: PricingFixtureServer;
  let kafka: Kafka;
  let serde: AvroSerde;
  let pool: pg.Pool;
  let owner: pg.Pool;
  let clickhouse: ClickHouseClient;
  let apiKey: string;

  const note = (line: string) => {
    story.push(line);
    process.stderr.write(`# faults: ${line}\n`);
  };

  const pricePages = full ? 40 : 10;
  const priceItems = pricePages * 100;

  before(async () => {
    fixture = await PricingFixtureServer.start({
      synthetic: { azurePages: pricePages, azureItemsPerPage: 100 },
    });
    await platform.stack(['up']);
    const env = platform.connectionEnv();
    kafka = createKafka('fault-suite', loadSettings(kafkaSettings, env));
    serde = await prepareTopicsAndSchemas(kafka, createRegistryClient(loadSettings(registrySettings, env)));
    const database = loadSettings(postgresSettings, env);
    pool = createPgPool(database);
    owner = createPgPool(database, 'owner');
    clickhouse = createClickHouse(loadSettings(clickhouseSettings, env));
    apiKey = (await createApiKey(pool, { name: `faults-${run}`, roles: ['ingest'] })).key;
    for (const component of components) platform.start(component);
    const began = Date.now();
    for (const component of components) await platform.waitReady(component, 240_000, began);
    note(
      `platform ready in ${((Date.now() - began) / 1000).toFixed(1)} s (load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')} on ${cpus().length} cores)`,
    );
  });

  /** Set once the suite's test passed: otherwise the components' logs are kept for the post-mortem. */
  let passed = false;

  after(async () => {
    await pool?.end();
    await owner?.end();
    await clickhouse?.close();
    const keepLogsIn = passed ? undefined : join(tmpdir(), `sluice-faults-logs-${run}`);
    await platform.down(keepLogsIn);
    if (keepLogsIn) process.stderr.write(`# faults: the components' whole logs are in ${keepLogsIn}\n`);
    await fixture?.close();
  });

  /** Kills a component's process and starts it again, as systemd or Kubernetes would; waits until ready. */
  async function killProcess(component: ComponentName): Promise<void> {
    await platform.killAndRestart(component);
    const restarted = Date.now();
    const took = await platform.waitReady(component, readyWithin.restarted(component), restarted);
    note(`SIGKILL ${component}: restarted, ready ${(took / 1000).toFixed(1)} s later`);
  }

  /** `sluice stack up <server>`, again if the first start fails (a killed postmaster's backends may linger). */
  async function restartServer(server: 'kafka' | 'postgres' | 'clickhouse'): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await platform.stack(['up', server]);
        return;
      } catch (err) {
        if (attempt >= 3) throw err;
        await sleep(2000);
      }
    }
  }

  async function killServer(
    server: 'kafka' | 'postgres' | 'clickhouse',
    sinks: ComponentName[],
    whileDown: () => Promise<void> = async () => {},
  ): Promise<{ from: number; to: number }> {
    const from = Date.now();
    platform.killServer(server);
    await sleep(5000);
    await whileDown();
    await restartServer(server);
    const back = Date.now();
    const limit = server === 'kafka' ? readyWithin.kafkaBack : readyWithin.databaseBack;
    const took: string[] = [];
    for (const component of sinks) {
      took.push(`${component} ${((await platform.waitReady(component, limit, back)) / 1000).toFixed(1)} s`);
    }
    note(
      `SIGKILL ${server === 'postgres' ? 'PostgreSQL postmaster' : server} (down ${((back - from) / 1000).toFixed(0)} s): ready after it was back: ${took.join(', ')}`,
    );
    return { from, to: back };
  }

  /** Renames a sink's table for a while: the sink is not ready (the reason says why) but its process lives on. */
  async function renameTable(database: 'postgres' | 'clickhouse'): Promise<void> {
    const sink: ComponentName = database === 'postgres' ? 'sink-postgres' : 'sink-clickhouse';
    const rename = (from: string, to: string) =>
      database === 'postgres'
        ? owner.query(`ALTER TABLE ${from} RENAME TO ${to}`).then(() => undefined)
        : clickhouse.command({ query: `RENAME TABLE ${from} TO ${to}` }).then(() => undefined);
    await rename('telemetry_readings', 'telemetry_readings_away');
    let reason = '';
    for (
      let waited = 0;
      waited < 30_000 && !/telemetry_readings|MISCONFIGURED/i.test(reason);
      waited += 500
    ) {
      await sleep(500);
      const answer = await platform.readiness(sink);
      if (answer?.status === 503) reason = answer.body;
    }
    await sleep(5000);
    await rename('telemetry_readings_away', 'telemetry_readings');
    const took = await platform.waitReady(sink, readyWithin.databaseBack);
    assert.match(reason, /telemetry_readings|MISCONFIGURED/i, `${sink} said nothing about the missing table`);
    note(
      `${database} table renamed and restored: ${sink} not ready meanwhile, ready ${(took / 1000).toFixed(1)} s after the restore`,
    );
  }

  /** Collects Azure prices from the local fixture in its own process (`sluice collect azure`). */
  async function collectPrices(runId: string): Promise<{ published: number; status: string }> {
    const result = await sluiceAsync(['collect', 'azure', '--run-id', runId, '--json'], {
      ...platform.baseEnv,
      LOG_LEVEL: 'warn',
      AZURE_PRICING_URL: fixture.azureUrl,
      AZURE_PRICING_RATE_LIMIT_RPS: full ? '4' : '20',
    });
    try {
      return JSON.parse(result.stdout);
    } catch {
      throw new Error(`sluice collect azure exited ${result.status}:\n${result.stderr}`);
    }
  }

  /** Messages of the normalized telemetry topic ClickHouse has not loaded: the sink's lag. */
  async function clickhouseLag(): Promise<number> {
    const end = (await topicWatermarks(kafka, topics.normalizedTelemetry.topic)).reduce(
      (sum, p) => sum + p.high,
      0,
    );
    const [row] = await (
      await clickhouse.query({
        query: `SELECT toString(sum(next)) AS n FROM (SELECT maxMerge(next_offset) AS next FROM sink_progress
                WHERE kafka_topic = '${topics.normalizedTelemetry.topic}' GROUP BY kafka_partition)`,
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    return end - Number(row?.n ?? 0);
  }

  /** The faults, one after the other under the load; resolves with the collection run and the refusals without PostgreSQL. */
  async function injectFaults(http: HttpLoad, priceRun: string) {
    await sleep(5000);
    const collection = collectPrices(priceRun);
    if (full) {
      await sleep(3000);
      await killProcess('pricing-processor');
    }
    await killProcess('telemetry-processor');
    await killProcess('sink-clickhouse');
    if (full) {
      await killProcess('sink-postgres');
      await killProcess('sink-postgres-archive');
    }

    const refusalsBefore = http.refusals.length;
    const postgresDown = await killServer('postgres', ['sink-postgres', 'sink-postgres-archive']);
    const refusedWithoutPostgres = http.refusals.slice(refusalsBefore).filter((r) => r.at < postgresDown.to);

    if (full) {
      await killServer('clickhouse', ['sink-clickhouse']);
      await renameTable('clickhouse');
      await renameTable('postgres');
      const lagBefore = await clickhouseLag();
      await platform.signal('sink-clickhouse', 'SIGSTOP');
      await sleep(15_000);
      const lagPaused = await clickhouseLag();
      await platform.signal('sink-clickhouse', 'SIGCONT');
      assert.ok(
        lagPaused > lagBefore,
        `no lag built while the ClickHouse sink was paused (${lagBefore} → ${lagPaused})`,
      );
      const took = await platform.waitReady('sink-clickhouse', readyWithin.databaseBack);
      note(
        `ClickHouse sink paused 15 s: lag ${lagBefore} → ${lagPaused} messages; ready ${(took / 1000).toFixed(1)} s after it went on`,
      );
      // within seconds the gateway's readiness says Kafka is away, under load as when idle
      let gatewayWhileKafkaDown: { status: number; body: string; after: number } | undefined;
      await killServer('kafka', components, async () => {
        for (const killedAt = Date.now() - 5000; !gatewayWhileKafkaDown && Date.now() - killedAt < 15_000; ) {
          const answer = await platform.readiness('http-gateway');
          if (answer?.status === 503) gatewayWhileKafkaDown = { ...answer, after: Date.now() - killedAt };
          else await sleep(250);
        }
      });
      assert.ok(gatewayWhileKafkaDown, 'the gateway said ready for 15 s without Kafka');
      assert.match(gatewayWhileKafkaDown.body, /http-gateway: Kafka unavailable/);
      note(
        `while Kafka was down the gateway's /readyz answered 503 (within ${(gatewayWhileKafkaDown.after / 1000).toFixed(0)} s of the kill): ${JSON.parse(gatewayWhileKafkaDown.body).notReady}`,
      );
    }
    await sleep(5000);
    return { collection, refusedWithoutPostgres };
  }

  it('loses and duplicates nothing acknowledged, keeps every process alive, and brings each component back ready in time', async () => {
    const http = new HttpLoad(`http://127.0.0.1:${ports.gateway}`, apiKey, {
      prefix,
      ratePerSecond: full ? 800 : 500,
      invalidEvery: 40,
      lanes: 4,
      batch: 50,
    });
    const mqttLoad = new MqttLoad(platform.connectionEnv().MQTT_URL as string, {
      prefix,
      ratePerSecond: 100,
      invalidEvery: 40,
      publishers: 2,
    });
    http.start();
    await mqttLoad.start();
    const priceRun = `faults-${run}`;
    let faults: Awaited<ReturnType<typeof injectFaults>>;
    try {
      faults = await injectFaults(http, priceRun);
    } catch (err) {
      await Promise.all([http.abandon(), mqttLoad.stop()]);
      throw err;
    }
    const { collection, refusedWithoutPostgres } = faults;
    await Promise.all([http.stop(), mqttLoad.stop()]);

    const prices = await collection;
    note(
      `load stopped: HTTP ${http.sent} sent, ${http.acknowledged.size} acknowledged; MQTT ${mqttLoad.sent} sent, ${mqttLoad.acknowledged.size} acknowledged; prices: run ${prices.status}, ${prices.published} published`,
    );

    // everything acknowledged reaches its end: the sinks stop growing (both alike) at what the topics hold
    const deadline = Date.now() + 240_000;
    let previous = '';
    for (let stable = 0; stable < 2 && Date.now() < deadline; ) {
      await sleep(5_000);
      const telemetry = await sinkRowCounts(pool, clickhouse, 'telemetry_readings', {
        column: 'device_id',
        like: `${prefix}%`,
      });
      const priced = await sinkRowCounts(pool, clickhouse, 'pricing_prices', {
        column: 'collection_id',
        like: priceRun,
      });
      const archived = await pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM raw_events WHERE kind = 'telemetry' AND subject LIKE $1",
        [`${prefix}%`],
      );
      const now = JSON.stringify([telemetry, priced, archived.rows[0]?.n]);
      const alike = telemetry.postgres === telemetry.clickhouse && priced.postgres === priced.clickhouse;
      stable = now === previous && alike ? stable + 1 : 0;
      previous = now;
    }

    const found = await readTelemetryTopics(kafka, serde, prefix);
    const sinks = await readTelemetrySinks(pool, clickhouse, prefix);
    const mqttIds = [...mqttLoad.acknowledged.keys()].flatMap((key) => found.mqttEventIds.get(key) ?? []);
    const clickhouseRows = [...sinks.clickhouse.values()].reduce((sum, n) => sum + n, 0);
    const clickhouseExtra = Math.max(0, sinks.clickhouseInserted - clickhouseRows);
    const priceFound = await readPrices(kafka, serde, pool, clickhouse, priceRun);
    const ledger: LedgerColumn[] = [
      ledgerColumn('http', http.sent, [...http.acknowledged.keys()], http.acknowledged.size, found, {
        ...sinks,
        clickhouseExtra,
      }),
      ledgerColumn('mqtt', mqttLoad.sent, mqttIds, mqttLoad.acknowledged.size, found, {
        ...sinks,
        clickhouseExtra: 0,
      }),
      ledgerColumn('prices', priceItems, [...priceFound.raw.keys()], prices.published, priceFound, {
        ...priceFound,
        clickhouseExtra: 0,
      }),
    ];
    process.stderr.write(
      `\n# fault suite (${full ? 'full' : 'bounded'}) — what happened:\n${story.map((line) => `#   ${line}`).join('\n')}\n`,
    );
    process.stderr.write(`# ledger:\n${formatLedger(ledger).replace(/^/gm, '#')}\n`);
    process.stderr.write(
      `#   HTTP refusals (retried by the load): ${summarise(http.refusals)}; ${http.rejectedAtIngest} readings rejected at ingest\n`,
    );
    process.stderr.write(
      `#   processes that died unasked: ${platform.unexpectedExits.map((e) => e.component).join(', ') || 'none'}; unhandled errors logged: ${platform.crashLines.length}\n`,
    );

    if (ledger.some((column) => column.lost > 0 || column.duplicated > 0)) {
      for (const [table, where] of [
        ['telemetry_readings', `device_id LIKE '${prefix}%'`],
        ['pricing_prices', `collection_id = '${priceRun}'`],
      ] as const) {
        const copies = await clickhouseCopies(clickhouse, table, where);
        if (copies.length > 0)
          process.stderr.write(`# ${table} rows ClickHouse holds more than once:\n${copies.join('\n')}\n`);
      }
      for (const component of components)
        process.stderr.write(
          `# last lines of ${component}:\n${platform.lastLines(component, 15).join('\n')}\n`,
        );
    }
    assert.deepEqual(platform.unexpectedExits, [], 'a process died that the suite did not kill');
    assert.deepEqual(platform.crashLines, [], 'a process reported an unhandled error');
    assert.deepEqual(
      refusedWithoutPostgres,
      [],
      'the gateway refused readings while only PostgreSQL was down',
    );
    for (const column of ledger) {
      assert.equal(
        column.lost,
        0,
        `${column.source}: acknowledged events lost (${column.lostWhere.join(', ')})`,
      );
      assert.equal(
        column.duplicated,
        0,
        `${column.source}: events duplicated (${column.duplicatedWhere.join(', ')})`,
      );
      assert.ok(column.acknowledged > 0, `${column.source}: nothing was acknowledged`);
    }
    assert.equal(http.unacknowledged, 0, 'the gateway never took some readings back in the end');
    assert.equal(prices.status, 'succeeded');
    for (const component of components) await platform.waitReady(component, 1000, Date.now());
    passed = true;
  });
});

function summarise(refusals: Refusal[]): string {
  const byStatus = new Map<string, number>();
  for (const { status } of refusals) byStatus.set(String(status), (byStatus.get(String(status)) ?? 0) + 1);
  return byStatus.size === 0 ? 'none' : [...byStatus].map(([status, n]) => `${n} × ${status}`).join(', ');
}
