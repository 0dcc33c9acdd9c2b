import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka, kafkaSettings } from '../../lib/kafka.ts';
import { mqttSettings } from '../../lib/mqtt.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawReadings, type TopicPosition } from '../testing.ts';
import { type MqttBridgeSettings, mqttBridgeSettings } from './config.ts';
import { MqttBridge, mqttReadingFields } from './mqtt-bridge.ts';
import { compileTopicTemplate } from './topic-template.ts';

const kafka = createKafka('mqtt-bridge-test');
const brokerUrl = loadSettings(mqttSettings).url;
const run = uniqueSuffix();
let serde: AvroSerde;
let start: TopicPosition;

/** Settings confined to this test run: its own topic prefix, client id and share group, a short session. */
function testSettings(clientId: string): MqttBridgeSettings {
  return {
    ...loadSettings(mqttBridgeSettings),
    topics: [compileTopicTemplate(`test-${run}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`)],
    clientId,
    // one group per client: Mosquitto shares messages with offline members of a group too
    shareGroup: `test-${clientId}`,
    sessionExpirySeconds: 120,
  };
}

async function publish(messages: [string, string][]): Promise<void> {
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `test-pub-${uniqueSuffix()}` });
  for (const [topic, payload] of messages) await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

describe('MQTT bridge against Mosquitto and Kafka', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
  });

  it('maps topic segments and JSON or bare-number payloads to raw events', async () => {
    const bridge = new MqttBridge(serde, { kafka, settings: testSettings(`test-bridge-${run}`) });
    await bridge.start();
    try {
      const device = `mqtt-${run}`;
      const base = `test-${run}/sites/site-7/devices/${device}`;
      await publish([
        [`${base}/metrics/temperature`, '{"value": 22.5, "unit": "degC", "ts": 1714550400000}'],
        [`${base}/metrics/pressure`, '101.3'],
        [`${base}/metrics/line/2/flow`, '{"value": 3, "unit": "l/s", "messageId": "f-1"}'],
        [`${base}/metrics/status`, 'not a number'],
      ]);
      const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === device, { count: 4 });
      assert.equal(readings.length, 4);
      const byMetric = new Map(readings.map((r) => [r.metric, r]));
      const temperature = byMetric.get('temperature');
      assert.equal(temperature?.source, 'mqtt');
      assert.equal(temperature?.siteId, 'site-7');
      assert.equal(temperature?.value, 22.5);
      assert.equal(temperature?.unit, 'degC');
      assert.equal(temperature?.sourceTime, '1714550400000');
      assert.equal(temperature?.contentType, 'application/json');
      assert.equal(temperature?.attributes.mqttTopic, `${base}/metrics/temperature`);
      assert.equal(byMetric.get('pressure')?.value, 101.3);
      assert.equal(byMetric.get('pressure')?.contentType, 'text/plain');
      assert.equal(byMetric.get('line/2/flow')?.messageId, 'f-1');
      assert.equal(byMetric.get('status')?.value, null);
      assert.equal(byMetric.get('status')?.payload.toString(), 'not a number');
      assert.deepEqual(bridge.health(), { state: 'ready' });
    } finally {
      await bridge.stop(Date.now() + 5000);
    }
  });

  it('acknowledges a message only after Kafka did: unacknowledged messages come back to the next session', async () => {
    const clientId = `test-bridge-ack-${run}`;
    const deadKafka = createKafka('mqtt-bridge-test-dead', {
      ...loadSettings(kafkaSettings),
      brokers: ['127.0.0.1:31999'],
      connectionTimeoutMs: 300,
    });
    const stranded = new MqttBridge(serde, { kafka: deadKafka, settings: testSettings(clientId) });
    await stranded.start();
    const device = `mqtt-ack-${run}`;
    await publish([[`test-${run}/sites/s/devices/${device}/metrics/temperature`, '{"value": 1, "ts": 1}']]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(stranded.health().state, 'down');
    await stranded.stop(Date.now() + 1000);

    const bridge = new MqttBridge(serde, { kafka, settings: testSettings(clientId) });
    await bridge.start();
    try {
      const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === device, { count: 1 });
      assert.equal(readings.length, 1);
      assert.equal(readings[0]?.sourceTime, '1');
    } finally {
      await bridge.stop(Date.now() + 5000);
    }
  });

  it('reads payloads without a broker: JSON fields win over nothing, the topic names device and metric', () => {
    const fromTopic = { deviceId: 'd', metric: 'm', siteId: null };
    assert.deepEqual(mqttReadingFields(Buffer.from(' 42.5 '), fromTopic).fields.value, 42.5);
    const json = mqttReadingFields(
      Buffer.from('{"value":"7","unit":"bar","ts":"2024-01-01T00:00:00Z"}'),
      fromTopic,
    );
    assert.deepEqual(json, {
      json: true,
      fields: {
        deviceId: 'd',
        metric: 'm',
        siteId: null,
        value: 7,
        unit: 'bar',
        sourceTime: '2024-01-01T00:00:00Z',
        messageId: null,
      },
    });
    assert.equal(mqttReadingFields(Buffer.from('{broken'), fromTopic).fields.value, null);
    const template = compileTopicTemplate('sites/{siteId}/devices/{deviceId}/metrics/{metric#}');
    assert.equal(template.filter, 'sites/+/devices/+/metrics/#');
    assert.deepEqual(template.match('sites/a/devices/b/metrics/c/d'), {
      siteId: 'a',
      deviceId: 'b',
      metric: 'c/d',
    });
    assert.equal(template.match('sites/a/devices/b/other/c'), undefined);
    assert.throws(
      () => compileTopicTemplate('devices/{deviceId}'),
      /must contain \{deviceId\} and \{metric\}/,
    );
  });
});
