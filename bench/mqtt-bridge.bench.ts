import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { rawTopicEnd, type TopicPosition } from '../producers/testing.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import { startProducer } from './producer-process.ts';

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const publishers = Number(process.env.BENCH_PUBLISHERS ?? 4);
const run = uniqueSuffix();
const prefix = `bench-${run}`;
const brokerUrl = loadSettings(mqttSettings).url;

function total(position: TopicPosition): number {
  return position.reduce((sum, { offset }) => sum + Number(offset), 0);
}

const kafka = createKafka('bench-mqtt-bridge');
await prepareTopicsAndSchemas(kafka);
const bridgeSettings = {
  MQTT_BRIDGE_TOPICS: `${prefix}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`,
  MQTT_BRIDGE_CLIENT_ID: prefix,
  MQTT_BRIDGE_SHARE_GROUP: prefix,
  MQTT_BRIDGE_SESSION_EXPIRY_SECONDS: '60',
};
let bridge = startProducer('mqtt-bridge', bridgeSettings);

async function stopBridge(): Promise<void> {
  bridge.kill('SIGTERM');
  await new Promise((resolve) => bridge.once('exit', resolve));
}

/** Publishes `count` QoS 1 messages spread over the publishers, bursts of 1000 each. */
async function publish(count: number, round: string): Promise<number> {
  const perClient = Math.ceil(count / publishers);
  await Promise.all(
    clients.map(async (client, c) => {
      for (let sent = 0; sent < perClient; ) {
        const burst = Math.min(1000, perClient - sent);
        await Promise.all(
          Array.from({ length: burst }, (_, i) => {
            const n = sent + i;
            const payload = `{"value":${(n % 1000) / 10},"unit":"degC","ts":${1_714_550_400_000 + n}}`;
            return client.publishAsync(
              `${prefix}/sites/site-${c}/devices/dev-${round}${n % 500}/metrics/temperature`,
              payload,
              { qos: 1 },
            );
          }),
        );
        sent += burst;
      }
    }),
  );
  return perClient * publishers;
}

/** Polls Kafka until `count` more messages than `before` landed (or 120 s); when the first and the last landed. */
async function landing(
  before: number,
  count: number,
): Promise<{ landed: number; firstAt: number; doneAt: number }> {
  let landed = 0;
  let firstAt = 0;
  const started = performance.now();
  while (landed < count && performance.now() - started < 120_000) {
    await sleep(50);
    landed = total(await rawTopicEnd(kafka)) - before;
    if (landed > 0 && firstAt === 0) firstAt = performance.now();
  }
  return { landed, firstAt, doneAt: performance.now() };
}
const clients = await Promise.all(
  Array.from({ length: publishers }, (_, i) =>
    mqtt.connectAsync(brokerUrl, { clientId: `${prefix}-pub-${i}` }),
  ),
);
try {
  // the bridge is subscribed once a probe message reaches Kafka
  const probeStart = total(await rawTopicEnd(kafka));
  for (let attempt = 0; ; attempt++) {
    if (attempt > 120) throw new Error('the bridge did not start in 60 s');
    await clients[0]?.publishAsync(`${prefix}/sites/s/devices/probe/metrics/m`, '1', { qos: 1 });
    await sleep(500);
    if (total(await rawTopicEnd(kafka)) > probeStart) break;
  }
  await sleep(1000);
  const before = total(await rawTopicEnd(kafka));
  const started = performance.now();
  const sentLive = await publish(messages, 'live-');
  const published = performance.now();
  const live = await landing(before, sentLive);
  // The bridge alone: with it stopped its persistent session queues a backlog in Mosquitto, which
  // it drains once restarted, without publishers sharing the machine's cores with it.
  await stopBridge();
  const beforeBacklog = total(await rawTopicEnd(kafka));
  const sentBacklog = await publish(messages, 'backlog-');
  bridge = startProducer('mqtt-bridge', bridgeSettings);
  const drained = await landing(beforeBacklog, sentBacklog);
  const rows: [string, string, string][] = [
    ['messages published (QoS 1), live', sentLive.toLocaleString('en'), 'messages'],
    ['messages in Kafka, live', live.landed.toLocaleString('en'), 'messages'],
    [
      'publish rate into Mosquitto, live',
      Math.round(sentLive / ((published - started) / 1000)).toLocaleString('en'),
      'msg/s',
    ],
    [
      'bridge rate, live (first publish → all in Kafka)',
      Math.round(live.landed / ((live.doneAt - started) / 1000)).toLocaleString('en'),
      'msg/s',
    ],
    ['backlog queued in Mosquitto, bridge stopped', sentBacklog.toLocaleString('en'), 'messages'],
    ['messages in Kafka, backlog', drained.landed.toLocaleString('en'), 'messages'],
    [
      'bridge rate, backlog drain (first → last in Kafka)',
      Math.round(drained.landed / ((drained.doneAt - drained.firstAt) / 1000)).toLocaleString('en'),
      'msg/s',
    ],
  ];
  process.stdout.write(
    `\nMQTT bridge → ${topics.rawTelemetry.topic}: ${publishers} publishers, QoS 1 JSON payloads, bridge in its own process (receive-maximum 2000, acks after Kafka, acks=all)\n\n`,
  );
  process.stdout.write(`${'metric'.padEnd(52)} ${'value'.padStart(10)}  unit\n`);
  for (const [metric, value, unit] of rows)
    process.stdout.write(`${metric.padEnd(52)} ${value.padStart(10)}  ${unit}\n`);
  process.stdout.write('\n(Kafka offsets include anything else produced to the shared topic meanwhile.)\n');
} finally {
  await Promise.all(clients.map((client) => client.endAsync()));
  await stopBridge();
}
