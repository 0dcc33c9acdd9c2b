import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ServerTCP } from 'modbus-serial';
import mqtt from 'mqtt';
import { DataType, OPCUAServer, StatusCodes, type UAVariable } from 'node-opcua';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import type { Component } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { metricsRegistry } from '../lib/metrics.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { createPgPool } from '../lib/postgres.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { httpGatewaySettings } from '../producers/http-gateway/config.ts';
import { HttpGateway } from '../producers/http-gateway/http-gateway.ts';
import { modbusSettings } from '../producers/modbus/config.ts';
import { ModbusPoller } from '../producers/modbus/modbus-poller.ts';
import { mqttBridgeSettings } from '../producers/mqtt-bridge/config.ts';
import { MqttBridge } from '../producers/mqtt-bridge/mqtt-bridge.ts';
import { compileTopicTemplate } from '../producers/mqtt-bridge/topic-template.ts';
import { opcuaSettings } from '../producers/opcua/config.ts';
import { OpcuaClient } from '../producers/opcua/opcua-client.ts';
import { topics } from '../schemas/catalog.ts';
import { freePorts, testApiKey, uniqueSuffix } from './support.ts';

/**
 * One long-running producer under a soak: `node --import tsx test/producer-soak.ts <producer>` runs
 * it for 10,000 polls or messages at a high rate, summarises the live heap after a warm-up, half way
 * and at the end, and prints a SoakReport as JSON. It runs in a process of its own so that nothing
 * but the producer and its driver is on the heap (the test runner's own resource tracking grows
 * with the async work it sees); test/producers-soak.test.ts judges the report.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const kafka = createKafka('soak-test');
const run = uniqueSuffix();
const total = 10_000;
const warmup = 2_000;

const warnings: Error[] = [];
process.on('warning', (warning) => warnings.push(warning));

/** Growth of the live heap over one half of the run after the warm-up. */
export interface HeapGrowth {
  bytes: number;
  items: number;
  /** The kinds that grew most, for a failure message. */
  top: string[];
}

export interface SoakReport {
  component: string;
  items: number;
  halves: [HeapGrowth, HeapGrowth];
  /** Live handles by kind after the warm-up, half way and at the end. */
  resources: [Record<string, number>, Record<string, number>, Record<string, number>];
  /** MaxListenersExceededWarning and the like, as Node printed them. */
  warnings: string[];
}

type HeapSummary = Map<string, { count: number; bytes: number }>;

/**
 * Live objects after a full collection, by kind and constructor; compiled code, V8's own
 * metadata (they grow as code warms up) and backing stores left out. Kept as bytes outside the JS heap, so the
 * summary taken before is not itself counted as growth in the one taken after.
 */
async function heapObjects(): Promise<Buffer> {
  for (let i = 0; i < 3; i++) gc();
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snapshot = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const objects: HeapSummary = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const kind = types[snapshot.nodes[i + type] as number] as string;
    // native: backing stores (this summary's own bytes among them); a leaked Buffer still shows as its object
    if (['code', 'hidden', 'object shape', 'synthetic', 'native'].includes(kind)) continue;
    // objects and functions by constructor or name; strings and numbers by kind (their name is their content)
    const named = kind === 'object' || kind === 'closure';
    const key = named
      ? `${kind} ${(snapshot.strings[snapshot.nodes[i + name] as number] as string).slice(0, 40)}`
      : kind;
    const entry = objects.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[i + size] as number;
    objects.set(key, entry);
  }
  return Buffer.from(JSON.stringify([...objects]));
}

/** Total growth between two heap summaries, and the kinds that grew most (for the failure message). */
function heapGrowth(beforeBytes: Buffer, afterBytes: Buffer): Omit<HeapGrowth, 'items'> {
  const before: HeapSummary = new Map(JSON.parse(beforeBytes.toString('utf8')));
  const after: HeapSummary = new Map(JSON.parse(afterBytes.toString('utf8')));
  const grown = [...after].map(([key, { count, bytes }]) => ({
    key,
    count: count - (before.get(key)?.count ?? 0),
    bytes: bytes - (before.get(key)?.bytes ?? 0),
  }));
  const bytes = grown.reduce((sum, g) => sum + g.bytes, 0);
  const top = grown
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5)
    .map((g) => `${g.key}: +${g.count} (${g.bytes} B)`);
  return { bytes, top };
}

function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

async function sentBy(component: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('sluice_events_sent_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.component === component && v.labels.topic === topics.rawTelemetry.topic)
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * Drives a started component with `drive` to `total` items, summarising the live heap after the
 * warm-up, half way and at the end: a leak grows in both halves, a one-off (a table doubling, a
 * pool filling up) in one at most.
 */
async function soak(
  component: Component,
  progress: () => Promise<number>,
  drive: (until: number) => Promise<void>,
): Promise<SoakReport> {
  const base = await progress();
  const half = (total - warmup) / 2;
  await drive(base + warmup);
  const resources = [liveResources()];
  const summaries = [await heapObjects()];
  const counts = [await progress()];
  for (const target of [base + warmup + half, base + total]) {
    await drive(target);
    await sleep(200);
    counts.push(await progress());
    resources.push(liveResources());
    summaries.push(await heapObjects());
  }
  const halves = [0, 1].map((i) => ({
    ...heapGrowth(summaries[i] as Buffer, summaries[i + 1] as Buffer),
    items: (counts[i + 1] as number) - (counts[i] as number),
  })) as [HeapGrowth, HeapGrowth];
  return {
    component: component.name,
    items: (counts[2] as number) - base,
    halves,
    resources: resources as SoakReport['resources'],
    warnings: warnings.map((w) => `${w.name}: ${w.message}`),
  };
}

/** Calls `step` until `progress` reaches `until`, with a deadline so a stalled producer fails instead of hanging. */
async function until(target: number, progress: () => Promise<number>, step: () => Promise<void>) {
  const deadline = Date.now() + 120_000;
  while ((await progress()) < target) {
    if (Date.now() > deadline) throw new Error(`stalled at ${await progress()} of ${target}`);
    await step();
  }
}

const soaks: Record<string, (serde: AvroSerde) => Promise<SoakReport>> = {
  'modbus-poller': async (serde) => {
    const [port] = await freePorts(1);
    const server = new ServerTCP(
      { getHoldingRegister: (address: number) => address + 1, getInputRegister: () => 0 },
      { host: '127.0.0.1', port, unitID: 1 },
    );
    await new Promise<void>((resolve) => server.on('initialized', () => resolve()));
    const poller = new ModbusPoller(serde, {
      kafka,
      settings: loadSettings(modbusSettings, {
        MODBUS_HOST: '127.0.0.1',
        MODBUS_PORT: String(port),
        MODBUS_UNIT_ID: '1',
        MODBUS_POLL_INTERVAL_MS: '1',
        MODBUS_REGISTERS: JSON.stringify([
          { deviceId: `soak-modbus-${run}`, metric: 'level', table: 'holding', address: 3, type: 'uint16' },
        ]),
      }),
    });
    await poller.start();
    try {
      const polls = async () => poller.pollCount;
      return await soak(poller, polls, (target) => until(target, polls, () => sleep(20)));
    } finally {
      await poller.stop(Date.now() + 5000);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  },

  'opcua-client': async (serde) => {
    const [port] = await freePorts(1);
    const server = new OPCUAServer({ port, hostname: '127.0.0.1', resourcePath: '/soak' });
    await server.initialize();
    const namespace = server.engine.addressSpace?.getOwnNamespace();
    if (!namespace) throw new Error('the OPC UA server has no namespace');
    const variables: UAVariable[] = Array.from({ length: 20 }, (_, i) =>
      namespace.addVariable({
        organizedBy: server.engine.addressSpace?.rootFolder.objects,
        browseName: `Level${i}`,
        nodeId: `s=Soak.Level${i}`,
        dataType: DataType.Double,
      }),
    );
    await server.start();
    let tick = 0;
    const changing = setInterval(() => {
      tick += 1;
      for (const variable of variables) {
        variable.setValueFromSource({ dataType: DataType.Double, value: tick }, StatusCodes.Good, new Date());
      }
    }, 10);
    const client = new OpcuaClient(serde, {
      kafka,
      settings: loadSettings(opcuaSettings, {
        OPCUA_ENDPOINT_URL: `opc.tcp://127.0.0.1:${port}/soak`,
        OPCUA_NODES: JSON.stringify(
          variables.map((_, i) => ({
            nodeId: `ns=${namespace.index};s=Soak.Level${i}`,
            deviceId: `soak-opcua-${run}`,
            metric: `level_${i}`,
            unit: 'mm',
          })),
        ),
        OPCUA_SAMPLING_INTERVAL_MS: '10',
        OPCUA_PUBLISHING_INTERVAL_MS: '50',
      }),
    });
    await client.start();
    try {
      const changes = () => sentBy(client.name);
      return await soak(client, changes, (target) => until(target, changes, () => sleep(100)));
    } finally {
      clearInterval(changing);
      await client.stop(Date.now() + 5000);
      await server.shutdown(0);
    }
  },

  'mqtt-bridge': async (serde) => {
    const bridge = new MqttBridge(serde, {
      kafka,
      settings: {
        ...loadSettings(mqttBridgeSettings),
        topics: [compileTopicTemplate(`soak-${run}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`)],
        clientId: `soak-bridge-${run}`,
        shareGroup: `soak-${run}`,
        sessionExpirySeconds: 60,
        // not a host application for every group: other tests' Sparkplug edge nodes are theirs
        sparkplugGroups: [],
      },
    });
    await bridge.start();
    const publisher = await mqtt.connectAsync(loadSettings(mqttSettings).url, {
      clientId: `soak-pub-${run}`,
    });
    let published = 0;
    try {
      const messages = () => sentBy(bridge.name);
      return await soak(bridge, messages, (target) =>
        until(target, messages, async () => {
          const batch = Array.from({ length: 200 }, () => {
            published += 1;
            return publisher.publishAsync(
              `soak-${run}/sites/s1/devices/d${published % 50}/metrics/temperature`,
              `{"value": ${published % 90}, "unit": "degC", "ts": ${1_764_000_000_000 + published}}`,
              { qos: 1 },
            );
          });
          await Promise.all(batch);
        }),
      );
    } finally {
      await publisher.endAsync();
      await bridge.stop(Date.now() + 5000);
    }
  },

  'http-gateway': async (serde) => {
    const pool = createPgPool();
    const key = await testApiKey(pool, ['ingest']);
    const gateway = new HttpGateway({ serde, pool }, { ...loadSettings(httpGatewaySettings), port: 0 });
    await gateway.start();
    // node:http with a keep-alive agent, not fetch: undici's own per-request WeakRefs would be measured as the gateway's
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const { port } = new URL(gateway.url);
    let requests = 0;
    try {
      const post = () =>
        new Promise<void>((resolve, reject) => {
          requests += 1;
          const body = `{"deviceId":"soak-http-${run}","metric":"temperature","value":${requests % 90},"unit":"degC","ts":${1_764_000_000_000 + requests}}`;
          const request = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: '/v1/ingest/telemetry',
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/json', 'x-api-key': key.key },
            },
            (response) => {
              response.resume();
              response.once('end', () =>
                response.statusCode === 202 ? resolve() : reject(new Error(`status ${response.statusCode}`)),
              );
            },
          );
          request.once('error', reject);
          request.end(body);
        });
      const done = async () => requests;
      return await soak(gateway, done, (target) =>
        until(target, done, async () => {
          await Promise.all(Array.from({ length: 16 }, post));
        }),
      );
    } finally {
      agent.destroy();
      await gateway.stop(Date.now() + 5000);
      await key.revoke();
      await pool.end();
    }
  },
};

const name = process.argv[2] ?? '';
const soakOf = soaks[name];
if (!soakOf) throw new Error(`no soak for "${name}"; one of ${Object.keys(soaks).join(', ')}`);
const report = await soakOf(await prepareTopicsAndSchemas(kafka));
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
