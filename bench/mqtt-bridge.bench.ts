import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka, ensureTopics, kafkaSettings, topicWatermarks } from '../lib/kafka.ts';
import { mqttBridgeSettings } from '../producers/mqtt-bridge/config.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import {
  bridgeProcess,
  brokerUrl,
  connectPublishers,
  cpuPerMessage,
  type LiveAndBacklog,
  liveAndBacklog,
  phaseRows,
  stackServers,
  topicRecords,
  waitUntilBridging,
} from './mqtt-bridge-harness.ts';
import { machineConditions, report, writeResults } from './report.ts';
import { telegrafBinary, telegrafConfig, telegrafProcess } from './telegraf.ts';

/**
 * The MQTT bridge against Telegraf (inputs.mqtt_consumer → outputs.kafka) with the same guarantee,
 * on the same messages in one run: each drains a backlog queued in its persistent session and
 * takes them live; rates, CPU per message and peak RSS, and the bridge's as ratios of Telegraf's.
 */

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const publishers = Number(process.env.BENCH_PUBLISHERS ?? 4);
const run = uniqueSuffix();
const prefix = `bench-${run}`;
const rawTopic = topics.rawTelemetry.topic;
const telegrafTopic = `bench.telegraf.${run}`;
const receiveMaximum = loadSettings(mqttBridgeSettings).receiveMaximum;

const kafka = createKafka('bench-mqtt-bridge');
await prepareTopicsAndSchemas(kafka);
// Telegraf writes to a topic of its own on the same broker, partitioned as the raw topic
await ensureTopics(kafka, [
  { topic: telegrafTopic, numPartitions: (await topicWatermarks(kafka, rawTopic)).length },
]);
const binary = telegrafBinary();
const servers = stackServers();
const clients = await connectPublishers(publishers, prefix);
const units = { sent: 'messages', landed: 'messages', rate: 'msg/s' };

/** The same `count` QoS 1 JSON messages under `<prefix>/<route>/`, spread over the publishers, bursts of 1000 each. */
async function publish(route: string, count: number, round: string): Promise<number> {
  const perClient = Math.ceil(count / publishers);
  await Promise.all(
    clients.map(async (client, c) => {
      for (let sent = 0; sent < perClient; ) {
        const burst = Math.min(1000, perClient - sent);
        await client.publish(
          Array.from({ length: burst }, (_, i) => {
            const n = sent + i;
            return {
              topic: `${prefix}/${route}/sites/site-${c}/devices/dev-${round}-${n % 500}/metrics/temperature`,
              payload: `{"value":${(n % 1000) / 10},"unit":"degC","ts":${1_714_550_400_000 + n}}`,
            };
          }),
        );
        sent += burst;
      }
    }),
  );
  return perClient * publishers;
}

const probe = (route: string) => () =>
  (clients[0] as (typeof clients)[number]).publish([
    {
      topic: `${prefix}/${route}/sites/s/devices/probe/metrics/m`,
      payload: `{"value":1,"ts":${Date.now()}}`,
    },
  ]);

async function measureBridge(): Promise<LiveAndBacklog> {
  const bridge = bridgeProcess({
    MQTT_BRIDGE_TOPICS: `${prefix}/bridge/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`,
    MQTT_BRIDGE_CLIENT_ID: `${prefix}-bridge`,
    MQTT_BRIDGE_SHARE_GROUP: prefix,
    MQTT_BRIDGE_SESSION_EXPIRY_SECONDS: '60',
    MQTT_BRIDGE_SPARKPLUG_GROUPS: '',
  });
  const records = () => topicRecords(kafka);
  try {
    await waitUntilBridging(records, probe('bridge'));
    return await liveAndBacklog(bridge, records, (round) => publish('bridge', messages, round), servers);
  } finally {
    await bridge.stop();
  }
}

async function measureTelegraf(): Promise<LiveAndBacklog> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-telegraf-'));
  const clientId = `${prefix}-telegraf`;
  const telegraf = telegrafProcess(
    binary,
    telegrafConfig({
      mqttUrl: brokerUrl,
      filter: `${prefix}/telegraf/sites/+/devices/+/metrics/+`,
      clientId,
      maxUndelivered: receiveMaximum,
      brokers: loadSettings(kafkaSettings).brokers,
      topic: telegrafTopic,
    }),
    dir,
  );
  const records = () => topicRecords(kafka, telegrafTopic);
  try {
    await waitUntilBridging(records, probe('telegraf'));
    return await liveAndBacklog(telegraf, records, (round) => publish('telegraf', messages, round), servers);
  } finally {
    await telegraf.stop();
    // an MQTT 3.1.1 persistent session never expires: a clean connect ends it
    await (await mqtt.connectAsync(brokerUrl, { clientId, clean: true })).endAsync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A ratio as printed and stored: three decimals (targets are judged on the exact ratio). */
function ratio(value: number): number {
  return Math.round(value * 1000) / 1000;
}

try {
  const bridge = await measureBridge();
  const telegraf = await measureTelegraf();
  const peak = (figures: LiveAndBacklog) =>
    Math.max(figures.live.consumerPeakMiB, figures.backlog.consumerPeakMiB);
  const exact = {
    backlogDrain: bridge.backlog.rate / telegraf.backlog.rate,
    live: bridge.live.rate / telegraf.live.rate,
    peakRss: peak(bridge) / peak(telegraf),
    machineCpuPerMessageBacklog:
      cpuPerMessage(bridge.backlog).machine / cpuPerMessage(telegraf.backlog).machine,
  };
  const ratios = Object.fromEntries(
    Object.entries(exact).map(([name, value]) => [name, ratio(value)]),
  ) as typeof exact;
  const targets: [string, number, string, boolean][] = [
    ['bridge ÷ Telegraf, backlog drain msg/s', ratios.backlogDrain, '≥ 2×', exact.backlogDrain >= 2],
    ['bridge ÷ Telegraf, live msg/s', ratios.live, '≥ 2×', exact.live >= 2],
    ['bridge ÷ Telegraf, peak RSS', ratios.peakRss, '≤ 2×', exact.peakRss <= 2],
  ];
  const results = {
    messages,
    publishers,
    receiveMaximum,
    telegraf: { version: binary.split('/').at(-2), ...telegraf },
    bridge,
    ratios,
    targetsMet: Object.fromEntries(targets.map(([name, , , met]) => [name, met])),
  };
  const file = writeResults('mqtt-bridge', results);
  report(
    `MQTT bridge vs Telegraf: MQTT → Kafka, ${messages.toLocaleString('en')} QoS 1 JSON messages each`,
    {
      publishers: `${publishers} MQTT 3.1.1 connections, bursts of 1000 packets in one write (encoded in the bench)`,
      guarantee: `persistent session, QoS 1, PUBACK after the Kafka write (acks=all), ${receiveMaximum} unacknowledged at most`,
      bridge: `its own process → ${rawTopic} (Avro)`,
      telegraf: `${results.telegraf.version} (inputs.mqtt_consumer → outputs.kafka, JSON) → ${telegrafTopic}`,
      machine: machineConditions(),
      results: file,
    },
    [
      ...phaseRows('Telegraf', telegraf, units),
      ...phaseRows('bridge', bridge, units),
      ['bridge ÷ Telegraf, machine CPU per message (backlog)', ratios.machineCpuPerMessageBacklog, '×'],
      ...targets.map(([name, value, target, met]): [string, string, string] => [
        name,
        `${value.toFixed(3)}×`,
        `(target ${target}: ${met ? 'met' : 'not met'})`,
      ]),
    ],
  );
} finally {
  for (const client of clients) client.end();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [telegrafTopic] });
  await admin.disconnect();
}
