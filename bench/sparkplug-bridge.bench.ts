import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { createKafka } from '../lib/kafka.ts';
import { topics } from '../schemas/catalog.ts';
import { sparkplugLoad } from '../schemas/fixtures/sparkplug.ts';
import { uniqueSuffix } from '../test/support.ts';
import {
  bridgeProcess,
  connectPublishers,
  liveAndBacklog,
  phaseRows,
  stackServers,
  topicRecords,
  waitUntilBridging,
} from './mqtt-bridge-harness.ts';
import { report } from './report.ts';

/** Sparkplug B DDATA through the MQTT bridge into Kafka, counted in metrics (one raw event each). */

const messages = Number(process.env.BENCH_MESSAGES ?? 20_000);
const metricsPerMessage = Number(process.env.BENCH_METRICS_PER_MESSAGE ?? 10);
const edgeNodes = Number(process.env.BENCH_PUBLISHERS ?? 4);
const run = uniqueSuffix();
const group = `bench-sp-${run}`;

const kafka = createKafka('bench-sparkplug-bridge');
await prepareTopicsAndSchemas(kafka);
const records = () => topicRecords(kafka);
const bridge = bridgeProcess({
  MQTT_BRIDGE_TOPICS: `${group}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`,
  MQTT_BRIDGE_CLIENT_ID: group,
  MQTT_BRIDGE_SHARE_GROUP: group,
  MQTT_BRIDGE_SESSION_EXPIRY_SECONDS: '60',
  MQTT_BRIDGE_SPARKPLUG_GROUPS: group,
});
const clients = await connectPublishers(edgeNodes, group);
const loads = clients.map((_, i) =>
  sparkplugLoad({ group, edgeNode: `Edge-${i}`, metrics: metricsPerMessage }),
);

/** Each edge node publishes its births, then its share of `count` DDATA (QoS 1, bursts of 500); metrics sent. */
async function publish(count: number): Promise<number> {
  const perNode = Math.ceil(count / edgeNodes);
  await Promise.all(
    clients.map(async (client, c) => {
      const load = loads[c] as (typeof loads)[number];
      for (const birth of load.births) await client.publish([birth]);
      for (let sent = 0; sent < perNode; ) {
        const burst = Math.min(500, perNode - sent);
        await client.publish(Array.from({ length: burst }, (_, i) => load.data(sent + i)));
        sent += burst;
      }
    }),
  );
  // the births' metrics are readings too
  return edgeNodes * (perNode + 1) * metricsPerMessage;
}

try {
  await waitUntilBridging(records, () =>
    (clients[0] as (typeof clients)[number]).publish([
      { topic: `${group}/sites/s/devices/probe/metrics/m`, payload: '1' },
    ]),
  );
  // each round starts with the births: a restarted bridge has no birth certificates
  const figures = await liveAndBacklog(bridge, records, () => publish(messages), stackServers());
  report(
    `Sparkplug B DDATA → MQTT bridge → ${topics.rawTelemetry.topic}`,
    {
      publishers: `${edgeNodes} edge nodes, ${metricsPerMessage} metrics by alias per DDATA (QoS 1)`,
      bridge: 'in its own process',
      counted: 'Kafka offsets include anything else produced to the shared topic meanwhile',
    },
    phaseRows('bridge', figures, { sent: 'metrics', landed: 'raw events', rate: 'metrics/s' }),
  );
} finally {
  for (const client of clients) client.end();
  await bridge.stop();
}
