import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { createKafka } from '../lib/kafka.ts';
import { topics } from '../schemas/catalog.ts';
import { uniqueSuffix } from '../test/support.ts';
import {
  BridgeProcess,
  connectPublishers,
  liveAndBacklog,
  printRows,
  waitUntilBridging,
} from './mqtt-bridge-harness.ts';

const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const publishers = Number(process.env.BENCH_PUBLISHERS ?? 4);
const run = uniqueSuffix();
const prefix = `bench-${run}`;

const kafka = createKafka('bench-mqtt-bridge');
await prepareTopicsAndSchemas(kafka);
const bridge = new BridgeProcess({
  MQTT_BRIDGE_TOPICS: `${prefix}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`,
  MQTT_BRIDGE_CLIENT_ID: prefix,
  MQTT_BRIDGE_SHARE_GROUP: prefix,
  MQTT_BRIDGE_SESSION_EXPIRY_SECONDS: '60',
  MQTT_BRIDGE_SPARKPLUG_GROUPS: '',
});
const clients = await connectPublishers(publishers, prefix);

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

try {
  await waitUntilBridging(kafka, () =>
    (clients[0] as (typeof clients)[number]).publishAsync(`${prefix}/sites/s/devices/probe/metrics/m`, '1', {
      qos: 1,
    }),
  );
  const rows = await liveAndBacklog(kafka, bridge, (round) => publish(messages, `${round}-`), {
    sent: 'messages',
    landed: 'messages',
    rate: 'msg/s',
  });
  printRows(
    `MQTT bridge → ${topics.rawTelemetry.topic}: ${publishers} publishers, QoS 1 JSON payloads, bridge in its own process (receive-maximum 2000, acks after Kafka, acks=all)`,
    rows,
  );
} finally {
  await Promise.all(clients.map((client) => client.endAsync()));
  await bridge.stop();
}
