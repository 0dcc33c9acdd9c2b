import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { portInUse } from '../cli/stack/service.ts';
import { loadStackSettings } from '../cli/stack/settings.ts';
import { createClickHouse } from '../lib/clickhouse.ts';
import { loadSettings, parseEnvFile, sluiceHome } from '../lib/config.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { createPgPool, postgresSettings } from '../lib/postgres.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { sluice, uniqueSuffix } from './support.ts';

interface Status {
  name: string;
  state: string;
  url: string;
  pid?: number;
}

function status(env: Record<string, string> = {}): Status[] {
  const result = sluice(['stack', 'status', '--json'], env);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Status[];
}

describe('local stack: every server answers its own protocol', () => {
  it('Kafka: create a topic, produce idempotently, consume in a group', async () => {
    const kafka = createKafka('stack-test');
    const topic = `test.stack.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    const producer = createProducer(kafka);
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => `message-${i}`);
    await producer.send({ topic, acks: -1, messages: sent.map((value, i) => ({ key: `k${i % 5}`, value })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `stack-test-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolveAll, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of 30 consumed`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push(String(message.value));
          if (received.length === sent.length) {
            clearTimeout(timer);
            resolveAll();
          }
        },
      });
    });
    await consumer.disconnect();
    assert.deepEqual(received.sort(), [...sent].sort());
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('PostgreSQL: insert and select', async () => {
    const pool = createPgPool();
    try {
      const client = await pool.connect();
      await client.query('CREATE TEMP TABLE t (id int PRIMARY KEY, payload jsonb)');
      await client.query('INSERT INTO t VALUES (1, \'{"a": 1}\'), (2, \'{"a": 2}\')');
      const result = await client.query("SELECT sum((payload->>'a')::int) AS total FROM t");
      assert.equal(Number(result.rows[0].total), 3);
      client.release();
    } finally {
      await pool.end();
    }
  });

  it('ClickHouse: create, insert and select in the sluice database', async () => {
    const clickhouse = createClickHouse();
    const table = `stack_test_${uniqueSuffix()}`;
    try {
      await clickhouse.command({
        query: `CREATE TABLE ${table} (id UInt32, name String) ENGINE = MergeTree ORDER BY id`,
      });
      await clickhouse.insert({
        table,
        values: [
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
        ],
        format: 'JSONEachRow',
      });
      const rows = await (
        await clickhouse.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })
      ).json<{ n: string }>();
      assert.equal(Number(rows[0]?.n), 2);
    } finally {
      await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
      await clickhouse.close();
    }
  });

  it('Mosquitto: a QoS 1 message reaches a subscriber', async () => {
    const { url } = loadSettings(mqttSettings);
    const topic = `sluice-test/${uniqueSuffix()}`;
    const subscriber = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const publisher = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    try {
      await subscriber.subscribeAsync(topic, { qos: 1 });
      const received = new Promise<string>((resolveMessage) =>
        subscriber.on('message', (_t, payload) => resolveMessage(String(payload))),
      );
      await publisher.publishAsync(topic, '21.5', { qos: 1 });
      assert.equal(await received, '21.5');
    } finally {
      await Promise.all([subscriber.endAsync(), publisher.endAsync()]);
    }
  });

  it('Schema registry: register a schema and fetch it by id', async () => {
    const registry = createRegistryClient();
    const schema = {
      type: 'record',
      name: 'StackProbe',
      namespace: 'io.sluice.test',
      fields: [{ name: 'id', type: 'string' }],
    };
    const id = await registry.register(
      { topic: `test.stack.${uniqueSuffix()}`, compatibility: 'BACKWARD' },
      schema,
    );
    assert.ok(Number.isInteger(id) && id > 0);
    assert.deepEqual(await registry.schemaById(id), schema);
    assert.equal(await registry.schemaById(987_654_321), undefined);
  });
});

describe('independent clients agree', () => {
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(command, args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  const settings = loadStackSettings();

  it('kcat lists the broker', () => {
    const result = run('kcat', ['-b', `127.0.0.1:${settings.kafkaPort}`, '-L', '-m', '10']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`broker 1 at 127\\.0\\.0\\.1:${settings.kafkaPort} \\(controller\\)`),
    );
  });

  it('psql answers on the documented port', () => {
    const result = run(
      'psql',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(settings.postgresPort),
        '-U',
        'sluice',
        '-d',
        'sluice',
        '-Atc',
        'select 40 + 2',
      ],
      { PGPASSWORD: 'sluice' },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), '42');
  });

  it('clickhouse-client (native port) and HTTP answer', async () => {
    const result = run('clickhouse-client', [
      '--port',
      String(settings.clickhouseTcpPort),
      '--user',
      'sluice',
      '--password',
      'sluice',
      '-q',
      'SELECT 40 + 2',
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), '42');
    const ping = await fetch(`http://127.0.0.1:${settings.clickhousePort}/ping`);
    assert.equal((await ping.text()).trim(), 'Ok.');
  });
});

describe('sluice stack CLI', () => {
  it('reports every service running, with its URL, as JSON', () => {
    const services = status();
    assert.deepEqual(
      services.map((s) => s.name),
      ['kafka', 'registry', 'postgres', 'clickhouse', 'mosquitto'],
    );
    for (const service of services) {
      assert.equal(service.state, 'running', `${service.name}: ${service.state}`);
      assert.ok(service.url.length > 0);
    }
    const env = readFileSync(join(sluiceHome(), 'env'), 'utf8');
    for (const variable of [
      'KAFKA_BROKERS',
      'SCHEMA_REGISTRY_URL',
      'DATABASE_URL',
      'CLICKHOUSE_URL',
      'MQTT_URL',
    ]) {
      assert.match(env, new RegExp(`^${variable}=`, 'm'));
    }
  });

  it('`stack up` on a running stack is a no-op that says so', () => {
    const before = status();
    const result = sluice(['stack', 'up']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.match(/already running/g)?.length, 5, result.stderr);
    assert.doesNotMatch(result.stderr, /started \(pid/);
    assert.deepEqual(status(), before);
  });

  it('from a shell that sourced `.sluice/env`, the servers are still the stack’s own and `stack up` keeps every variable', () => {
    const file = join(sluiceHome(), 'env');
    const before = readFileSync(file, 'utf8');
    const sourced = parseEnvFile(before);
    assert.ok(sourced.CLICKHOUSE_USER && sourced.DATABASE_OWNER_URL, before);
    assert.deepEqual(
      status(sourced).filter((s) => s.state !== 'running'),
      [],
    );
    const result = sluice(['stack', 'up'], sourced);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.match(/already running/g)?.length, 5, result.stderr);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('a bad setting is one line naming the variable, not a stack trace', () => {
    const result = sluice(['stack', 'up'], { KAFKA_BROKERS: 'not a host' });
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /KAFKA_BROKERS="not a host" is invalid/);
    assert.doesNotMatch(result.stderr, /\s+at /);
  });

  it('uses an external server as it is: starts nothing for it', () => {
    const result = sluice(['stack', 'status', '--json'], { MQTT_URL: 'mqtt://broker.example:1883' });
    const mosquitto = (JSON.parse(result.stdout) as Status[]).find((s) => s.name === 'mosquitto');
    assert.deepEqual([mosquitto?.state, mosquitto?.url], ['external', 'mqtt://broker.example:1883']);
  });

  // A stack of its own: killing the shared Mosquitto would break other test files running meanwhile.
  it('a second stack elsewhere starts, `stack up` restarts only a killed service, and `stack down` leaves no process behind', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sluice-stack-test-'));
    chmodSync(home, 0o755); // PostgreSQL runs as its own user and must reach its data dir
    const env = { SLUICE_HOME: home, SLUICE_MOSQUITTO_PORT: '21883', SLUICE_POSTGRES_PORT: '25432' };
    const services = ['mosquitto', 'postgres'];
    try {
      const up = sluice(['stack', 'up', ...services], env);
      assert.equal(up.status, 0, up.stderr);
      const before = status(env).filter((s) => s.state === 'running');
      assert.deepEqual(before.map((s) => s.name).sort(), services);

      const killed = before.find((s) => s.name === 'mosquitto');
      assert.ok(killed?.pid);
      process.kill(killed.pid, 'SIGKILL');
      while (status(env).find((s) => s.name === 'mosquitto')?.state !== 'crashed') await sleep(50);
      const again = sluice(['stack', 'up', ...services], env);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stderr, /mosquitto\s+started \(pid \d+\)/);
      assert.equal(again.stderr.match(/already running/g)?.length, 1, again.stderr);
      const running = status(env).filter((s) => s.state === 'running');
      assert.deepEqual(running.map((s) => s.name).sort(), services);
      for (const service of running) {
        const old = before.find((s) => s.name === service.name);
        if (service.name === 'mosquitto') assert.notEqual(service.pid, old?.pid);
        else assert.equal(service.pid, old?.pid, `${service.name} must not be restarted`);
      }

      const down = sluice(['stack', 'down'], env);
      assert.equal(down.status, 0, down.stderr);
      for (const service of running) {
        assert.ok(
          !existsSync(`/proc/${service.pid}`) ||
            readFileSync(`/proc/${service.pid}/stat`, 'utf8').includes(') Z'),
        );
      }
      assert.equal(await portInUse(21883), false);
      assert.equal(await portInUse(25432), false);
      assert.ok(status(env).every((s) => s.state === 'stopped'));
    } finally {
      sluice(['stack', 'down'], env);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('least privilege in the local stack', () => {
  it('PostgreSQL: no Sluice role is a superuser, the writer has no DDL, the reader only reads', async () => {
    const settings = loadSettings(postgresSettings);
    const writer = createPgPool(settings, 'writer');
    const reader = createPgPool(settings, 'reader');
    try {
      const { rows } = await writer.query<{ rolname: string; rolsuper: boolean }>(
        "SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN ('sluice', 'sluice_writer', 'sluice_reader') ORDER BY 1",
      );
      assert.deepEqual(
        rows.map((row) => [row.rolname, row.rolsuper]),
        [
          ['sluice', false],
          ['sluice_reader', false],
          ['sluice_writer', false],
        ],
      );
      await assert.rejects(writer.query('CREATE TABLE stack_test_ddl (id int)'), /permission denied/);
      await assert.rejects(writer.query('DROP TABLE api_keys'), /must be owner|permission denied/);
      await assert.rejects(
        reader.query("INSERT INTO devices (device_id) VALUES ('stack-test')"),
        /permission denied/,
      );
      assert.equal((await reader.query('SELECT count(*) FROM schema_migrations')).rowCount, 1);
    } finally {
      await writer.end();
      await reader.end();
    }
  });

  it('ClickHouse: default needs its password, analyst only reads, the sinks write the sluice database', async () => {
    const { clickhousePort } = loadStackSettings();
    const ask = (user: string, password: string, query: string) =>
      fetch(`http://127.0.0.1:${clickhousePort}/?database=sluice`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
        body: query,
      });
    assert.notEqual((await ask('default', '', 'SELECT 1')).status, 200, 'default without its password');
    assert.equal((await ask('analyst', 'analyst', 'SELECT 1')).status, 200);
    assert.notEqual(
      (await ask('analyst', 'analyst', 'CREATE TABLE t (i UInt8) ENGINE = Memory')).status,
      200,
    );
    const table = `stack_test_${uniqueSuffix()}`;
    assert.equal(
      (await ask('sluice', 'sluice', `CREATE TABLE ${table} (i UInt8) ENGINE = Memory`)).status,
      200,
    );
    assert.equal((await ask('sluice', 'sluice', `DROP TABLE ${table}`)).status, 200);
    assert.notEqual((await ask('sluice', 'sluice', 'CREATE DATABASE stack_test_other')).status, 200);
  });
});
