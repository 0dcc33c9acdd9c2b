import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka, kafkaSettings } from '../../lib/kafka.ts';
import { metricsRegistry } from '../../lib/metrics.ts';
import { mqttSettings } from '../../lib/mqtt.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import { sparkplugScenario } from '../../schemas/fixtures/sparkplug.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import { SparkplugEdgeNode } from '../../test/sparkplug-edge-node.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawDeadLetters, readRawReadings, type TopicPosition } from '../testing.ts';
import { type MqttBridgeSettings, mqttBridgeSettings } from './config.ts';
import { MqttBridge, mqttReadingFields } from './mqtt-bridge.ts';
import { metricTable } from './sparkplug-metrics.ts';
import { compileTopicTemplate } from './topic-template.ts';

const kafka = createKafka('mqtt-bridge-test');
const brokerUrl = loadSettings(mqttSettings).url;
const pool = createPgPool();
const run = uniqueSuffix();
let serde: AvroSerde;
let start: TopicPosition;
let dlqStart: TopicPosition;

/**
 * Settings confined to this test run: its own topic prefix, client id and share group, a short
 * session, and Sparkplug B only for the groups given (none by default).
 */
function testSettings(clientId: string, sparkplugGroups: string[] = []): MqttBridgeSettings {
  return {
    ...loadSettings(mqttBridgeSettings),
    topics: [compileTopicTemplate(`test-${run}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`)],
    clientId,
    // one group per client: Mosquitto shares messages with offline members of a group too
    shareGroup: `test-${clientId}`,
    sessionExpirySeconds: 120,
    sparkplugGroups,
  };
}

/** Waits for a condition, up to 10 s. */
async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; !(await condition()); attempt++) {
    if (attempt >= 100) throw new Error(`timed out waiting for ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
    dlqStart = await rawTopicEnd(kafka, dlqContract(topics.rawTelemetry.topic).topic);
  });

  after(async () => {
    await pool.end();
  });

  it('maps topic segments and JSON or bare-number payloads to raw events, and dead-letters what maps to no reading', async () => {
    const bridge = new MqttBridge(serde, { kafka, settings: testSettings(`test-bridge-${run}`) });
    await bridge.start();
    try {
      const device = `mqtt-${run}`;
      const base = `test-${run}/sites/site-7/devices/${device}`;
      const unmapped = `test-${run}/sites//devices/${device}/metrics/temperature`;
      await publish([
        [`${base}/metrics/temperature`, '{"value": 22.5, "unit": "degC", "ts": 1714550400000}'],
        [`${base}/metrics/pressure`, '101.3'],
        [`${base}/metrics/line/2/flow`, '{"value": 3, "unit": "l/s", "messageId": "f-1"}'],
        [`${base}/metrics/status`, 'not a number'],
        [`${base}/metrics/level`, '{"value": 3,'],
        [unmapped, '21.5'],
      ]);
      const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === device, { count: 3 });
      assert.equal(readings.length, 3);
      const byMetric = new Map(readings.map((r) => [r.metric, r]));
      const temperature = byMetric.get('temperature');
      assert.equal(temperature?.source, 'mqtt');
      assert.equal(temperature?.siteId, 'site-7');
      assert.equal(temperature?.value, 22.5);
      assert.equal(temperature?.unit, 'degC');
      assert.equal(temperature?.sourceTime, '1714550400000');
      assert.equal(temperature?.contentType, 'application/json');
      assert.equal(temperature?.attributes[telemetryAttributes.mqttTopic], `${base}/metrics/temperature`);
      assert.equal(byMetric.get('pressure')?.value, 101.3);
      assert.equal(byMetric.get('pressure')?.contentType, 'text/plain');
      assert.equal(byMetric.get('line/2/flow')?.messageId, 'f-1');

      const letters = await readRawDeadLetters(
        kafka,
        serde,
        dlqStart,
        (l) => (l.source ?? '').includes(device),
        { count: 3 },
      );
      const byTopic = new Map(letters.map((l) => [l.key?.toString(), l]));
      const garbage = byTopic.get(`${base}/metrics/status`);
      assert.equal(garbage?.reasonCode, 'payload_unreadable');
      assert.equal(garbage?.source, `mqtt:${base}/metrics/status`);
      assert.equal(garbage?.value?.toString(), 'not a number');
      assert.equal(garbage?.headers[telemetryAttributes.mqttTopic], `${base}/metrics/status`);
      assert.equal(garbage?.component, 'mqtt-bridge');
      assert.equal(garbage?.originalTopic, topics.rawTelemetry.topic);
      assert.equal(garbage?.originalOffset, -1);
      assert.match(byTopic.get(`${base}/metrics/level`)?.message ?? '', /^malformed JSON/);
      const unmappedLetter = byTopic.get(unmapped);
      assert.equal(unmappedLetter?.reasonCode, 'topic_unmapped');
      assert.equal(unmappedLetter?.value?.toString(), '21.5');
      assert.match(unmappedLetter?.message ?? '', /matches no template of MQTT_BRIDGE_TOPICS/);
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
    assert.deepEqual(mqttReadingFields(Buffer.from(' 42.5 '), fromTopic), {
      ok: true,
      json: false,
      fields: {
        deviceId: 'd',
        metric: 'm',
        siteId: null,
        value: 42.5,
        unit: null,
        sourceTime: null,
        messageId: null,
      },
    });
    const json = mqttReadingFields(
      Buffer.from('{"value":"7","unit":"bar","ts":"2024-01-01T00:00:00Z"}'),
      fromTopic,
    );
    assert.deepEqual(json, {
      ok: true,
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
    assert.equal(mqttReadingFields(Buffer.from('{broken'), fromTopic).ok, false);
    assert.deepEqual(mqttReadingFields(Buffer.from(''), fromTopic), {
      ok: false,
      reason: 'payload_unreadable',
      message: 'the payload is empty',
    });
    assert.equal(mqttReadingFields(Buffer.from('1e999'), fromTopic).ok, true);
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

  it('reads Sparkplug B as a host application: births, alias data, commands, STATE, deaths', async () => {
    const scenario = sparkplugScenario({ group: `sp-${run}`, hostId: `host-${run}` });
    const settings = {
      ...testSettings(`test-bridge-sparkplug-${run}`, [scenario.group, 'STATE']),
      sparkplugMetrics: metricTable(Object.entries(scenario.metricTable)),
      sparkplugRebirth: true,
    };
    const bridge = new MqttBridge(serde, { kafka, settings, pool });
    await bridge.start();
    const edgeNode = await SparkplugEdgeNode.connect(brokerUrl, scenario);
    const ofScenario = (deviceId: string) => deviceId.startsWith(`${scenario.group}/`);
    try {
      await edgeNode.publish(scenario.messages);
      // the unknown alias makes the bridge ask the edge node for a rebirth
      await waitFor(() =>
        edgeNode.commands.some((c) => c.name === 'Node Control/Rebirth' && c.value === true),
      );
      await edgeNode.die();
      const readings = await readRawReadings(kafka, serde, start, (r) => ofScenario(r.deviceId), {
        count: scenario.readings.length,
        settleMs: 1000,
      });
      const key = (r: { deviceId: string; metric: string; sourceTime: string | number | null }) =>
        `${r.deviceId}|${r.metric}|${r.sourceTime}`;
      assert.deepEqual(
        readings
          .map((r) => [key(r), r.value, r.unit, r.attributes[telemetryAttributes.sparkplugMetric]])
          .sort(),
        scenario.readings
          .map((r) => [key({ ...r, sourceTime: String(r.sourceTime) }), r.value, r.unit, r.sparkplugMetric])
          .sort(),
      );
      assert.ok(
        readings.every(
          (r) => r.source === 'mqtt' && r.contentType === 'application/vnd.sparkplug-b+protobuf',
        ),
      );

      const letters = await readRawDeadLetters(
        kafka,
        serde,
        dlqStart,
        (l) => (l.source ?? '').startsWith(`mqtt:spBv1.0/${scenario.group}/`),
        { count: scenario.letters.length, settleMs: 1000 },
      );
      assert.deepEqual(
        letters.map((l) => [l.reasonCode, l.key?.toString()]).sort(),
        scenario.letters.map((l) => [l.reason, l.topic]).sort(),
      );
      for (const expected of scenario.letters) {
        assert.ok(
          letters.some((l) => l.reasonCode === expected.reason && expected.message.test(l.message)),
          `${expected.reason} ${expected.message}`,
        );
      }

      const counted = (
        await metricsRegistry.getSingleMetricAsString('sluice_sparkplug_messages_total')
      ).split('\n');
      for (const type of ['NCMD', 'DCMD', 'STATE']) {
        assert.ok(
          counted.some((line) => line.includes(`type="${type}"`) && !line.endsWith(' 0')),
          type,
        );
      }

      const expectedStates = Object.entries(scenario.states).sort();
      let states: [string, string][] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        const { rows } = await pool.query<{ device_id: string; state: string }>(
          'SELECT device_id, state FROM device_states WHERE device_id LIKE $1 ORDER BY device_id',
          [`${scenario.group}/%`],
        );
        states = rows.map((row) => [row.device_id, row.state]);
        if (JSON.stringify(states) === JSON.stringify(expectedStates)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(states, expectedStates);
    } finally {
      await bridge.stop(Date.now() + 5000);
      await pool.query('DELETE FROM device_states WHERE device_id LIKE $1', [`${scenario.group}/%`]);
    }
  });
});
