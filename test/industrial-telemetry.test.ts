import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { httpGatewaySettings } from '../producers/http-gateway/config.ts';
import { HttpGateway, type IngestAnswer } from '../producers/http-gateway/http-gateway.ts';
import { type MqttBridgeSettings, mqttBridgeSettings } from '../producers/mqtt-bridge/config.ts';
import { MqttBridge } from '../producers/mqtt-bridge/mqtt-bridge.ts';
import { metricTable } from '../producers/mqtt-bridge/sparkplug-metrics.ts';
import { compileTopicTemplate } from '../producers/mqtt-bridge/topic-template.ts';
import { opcuaSettings } from '../producers/opcua/config.ts';
import { OpcuaClient } from '../producers/opcua/opcua-client.ts';
import { rawTopicEnd, readRawDeadLetters, type TopicPosition } from '../producers/testing.ts';
import { dlqContract, topics } from '../schemas/catalog.ts';
import { opcuaSourceTime, opcuaVariables } from '../schemas/fixtures/opcua.ts';
import { sparkplugScenario } from '../schemas/fixtures/sparkplug.ts';
import type { DeadLetter, RawTelemetryReading } from '../schemas/types.ts';
import { startOpcuaTestServer } from './opcua-server.ts';
import { SparkplugEdgeNode } from './sparkplug-edge-node.ts';
import { testApiKey, uniqueSuffix, waitFor } from './support.ts';
import {
  deviceAndBelow,
  type StoredReading,
  startTelemetryPipeline,
  type TelemetryPipeline,
} from './telemetry-pipeline.ts';

/**
 * Industrial telemetry end to end on the local stack: real node-opcua server, Mosquitto with a
 * Sparkplug B edge node, the HTTP gateway, Kafka, the telemetry processor, PostgreSQL and
 * ClickHouse — checking the values that come out, and the dead letters of what does not.
 */

const run = uniqueSuffix();
const kafka = createKafka('industrial-telemetry-test');
const brokerUrl = loadSettings(mqttSettings).url;
let serde: AvroSerde;
let dlqStart: TopicPosition;
let pipeline: TelemetryPipeline;

const close = (actual: number, expected: number) =>
  Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));

/** Both databases hold the same rows. */
function assertSameRows(postgres: StoredReading[], clickhouse: StoredReading[]): void {
  const key = (r: StoredReading) => `${r.deviceId}|${r.metric}|${r.sourceTime}|${r.value}|${r.unit}`;
  assert.deepEqual(postgres.map(key).sort(), clickhouse.map(key).sort());
}

/** Dead letters the producers wrote (on the raw topic's DLQ, with their source). */
function producerLetters(match: (letter: DeadLetter) => boolean, count: number): Promise<DeadLetter[]> {
  return readRawDeadLetters(kafka, serde, dlqStart, match, { count, timeoutMs: 60_000, settleMs: 1500 });
}

/** Dead letters the telemetry processor wrote for raw readings matching `match`, once there are `count`. */
async function processorLetters(
  match: (raw: RawTelemetryReading) => boolean,
  count: number,
): Promise<{ letter: DeadLetter; raw: RawTelemetryReading }[]> {
  let letters: { letter: DeadLetter; raw: RawTelemetryReading }[] = [];
  await waitFor(`${count} dead letters of the processor`, async () => {
    letters = (await pipeline.deadLetters()).filter(({ raw }) => match(raw));
    return letters.length >= count;
  });
  return letters;
}

/** A device's readings (and those of the devices below it) once both databases hold `count`. */
async function storedReadings(deviceId: string, count: number) {
  await pipeline.loaded(deviceAndBelow(deviceId), count);
  return pipeline.stored(deviceAndBelow(deviceId));
}

function bridgeFor(clientId: string, extra: Partial<MqttBridgeSettings>) {
  return new MqttBridge(serde, {
    kafka,
    pool: pipeline.pool,
    settings: {
      ...loadSettings(mqttBridgeSettings),
      topics: [compileTopicTemplate(`e2e-${run}/sites/{siteId}/devices/{deviceId}/metrics/{metric#}`)],
      clientId,
      shareGroup: clientId,
      sessionExpirySeconds: 120,
      sparkplugGroups: [],
      ...extra,
    },
  });
}

describe('industrial telemetry: producers → Kafka → telemetry processor → PostgreSQL and ClickHouse', {
  timeout: 300_000,
}, () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    dlqStart = await rawTopicEnd(kafka, dlqContract(topics.rawTelemetry.topic).topic);
    pipeline = await startTelemetryPipeline();
  });

  after(async () => {
    await pipeline.stop();
  });

  it('OPC UA: Good and Uncertain values with their EngineeringUnits are stored, Bad ones dead-lettered with their status', async () => {
    const device = `opcua-e2e-${run}`;
    const server = await startOpcuaTestServer(opcuaVariables);
    const client = new OpcuaClient(serde, {
      kafka,
      settings: loadSettings(opcuaSettings, {
        OPCUA_ENDPOINT_URL: server.endpointUrl,
        OPCUA_NODES: server.nodes(device),
        OPCUA_SAMPLING_INTERVAL_MS: '100',
        OPCUA_PUBLISHING_INTERVAL_MS: '100',
      }),
    });
    await client.start();
    try {
      const stored = opcuaVariables.filter((variable) => variable.expected.outcome === 'stored');
      const refused = opcuaVariables.flatMap((variable) =>
        variable.expected.outcome === 'dead-lettered' ? [variable.expected] : [],
      );
      const letters = await processorLetters((raw) => raw.deviceId === device, refused.length);
      const { postgres, clickhouse } = await storedReadings(device, stored.length);
      assert.equal(postgres.length, stored.length, 'only Good and Uncertain values are stored');
      assertSameRows(postgres, clickhouse);
      for (const rows of [postgres, clickhouse]) {
        for (const variable of stored) {
          if (variable.expected.outcome !== 'stored') continue;
          const row = rows.find((r) => r.metric === variable.metric);
          assert.ok(row, variable.browseName);
          assert.equal(row.unit, variable.expected.unit);
          assert.ok(close(row.value, variable.expected.value), `${variable.browseName}: ${row.value}`);
          assert.equal(row.originalUnit, variable.expected.originalUnit);
          assert.equal(row.sourceTime, Date.parse(opcuaSourceTime));
          if (variable.expected.flag)
            assert.ok(row.flags.includes(variable.expected.flag), variable.browseName);
        }
        const good = rows.find((r) => r.metric === 'temperature');
        const uncertain = rows.find((r) => r.metric === 'pressure');
        assert.ok((uncertain?.score ?? 1) < (good?.score ?? 0), 'an Uncertain value scores lower');
      }
      for (const expected of refused) {
        const found = letters.find(({ letter }) => letter.reasonCode === expected.reason);
        assert.ok(found, expected.reason);
        assert.match(found.letter.message, expected.message);
        assert.equal(found.letter.component, 'telemetry-processor');
      }
      const [unreadable] = await producerLetters((l) => l.key?.toString() === device, 1);
      assert.equal(unreadable?.reasonCode, 'read_failed');
      assert.equal(unreadable?.component, 'opcua-client');
      assert.match(unreadable?.source ?? '', /#ns=\d+;s=Boiler\.Missing$/);
    } finally {
      await client.stop(Date.now() + 5000);
      await server.shutdown();
    }
  });

  it('Sparkplug B through Mosquitto: device ids, units, values and metric timestamps in both databases; commands not stored', async () => {
    const scenario = sparkplugScenario({ group: `e2e-sp-${run}`, hostId: `e2e-host-${run}` });
    const bridge = bridgeFor(`e2e-bridge-sp-${run}`, {
      sparkplugGroups: [scenario.group],
      sparkplugMetrics: metricTable(Object.entries(scenario.metricTable)),
    });
    await bridge.start();
    const edgeNode = await SparkplugEdgeNode.connect(brokerUrl, scenario);
    const unmapped = `e2e-${run}/sites//devices/d/metrics/temperature`;
    const garbage = `e2e-${run}/sites/s/devices/mqtt-e2e-${run}/metrics/temperature`;
    try {
      await edgeNode.publish(scenario.messages);
      await edgeNode.die();
      const publisher = await mqtt.connectAsync(brokerUrl, { clientId: `e2e-pub-${run}` });
      await publisher.publishAsync(unmapped, '21.5', { qos: 1 });
      await publisher.publishAsync(garbage, 'not a reading', { qos: 1 });
      await publisher.endAsync();

      const node = `${scenario.group}/${scenario.edgeNode}`;
      const { postgres, clickhouse } = await storedReadings(node, scenario.readings.length);
      const letters = await producerLetters(
        (l) =>
          l.source === `mqtt:${unmapped}` ||
          l.source === `mqtt:${garbage}` ||
          (l.source ?? '').includes(scenario.group),
        scenario.letters.length + 2,
      );
      assert.equal(postgres.length, scenario.readings.length, 'commands and STATE are not stored');
      assertSameRows(postgres, clickhouse);
      for (const rows of [postgres, clickhouse]) {
        for (const expected of scenario.readings) {
          const row = rows.find(
            (r) =>
              r.deviceId === expected.deviceId &&
              r.metric === expected.normalized.metric &&
              r.sourceTime === expected.sourceTime,
          );
          assert.ok(row, `${expected.deviceId} ${expected.normalized.metric} at ${expected.sourceTime}`);
          assert.equal(row.unit, expected.normalized.unit);
          assert.ok(close(row.value, expected.normalized.value), `${expected.sparkplugMetric}: ${row.value}`);
          assert.equal(row.originalUnit, expected.unit);
          assert.ok(close(row.originalValue ?? Number.NaN, expected.value));
        }
      }
      assert.deepEqual(
        letters.map((l) => [l.reasonCode, l.source]).sort(),
        [
          ...scenario.letters.map((l) => [l.reason, `mqtt:${l.topic}`]),
          ['topic_unmapped', `mqtt:${unmapped}`],
          ['payload_unreadable', `mqtt:${garbage}`],
        ].sort(),
      );
      assert.equal(letters.find((l) => l.source === `mqtt:${garbage}`)?.value?.toString(), 'not a reading');
    } finally {
      await bridge.stop(Date.now() + 5000);
      await pipeline.pool.query('DELETE FROM device_states WHERE device_id LIKE $1', [`${scenario.group}/%`]);
    }
  });

  it('HTTP: a batch is answered per reading with the reason the DLQ gives the same reading sent over MQTT', async () => {
    const key = await testApiKey(pipeline.pool, ['ingest']);
    const gateway = new HttpGateway(
      { serde, kafka, pool: pipeline.pool },
      { ...loadSettings(httpGatewaySettings), port: 0 },
    );
    const bridge = bridgeFor(`e2e-bridge-http-${run}`, {});
    await gateway.start();
    await bridge.start();
    try {
      const ts = '2024-05-01T10:00:00Z';
      const items = [
        { deviceId: `http-${run}-0`, metric: 'temperature', value: 21.5, unit: 'degC', ts },
        { deviceId: `http-${run}-1`, metric: 'temperature', value: 21.5, unit: 'furlongs', ts },
        { deviceId: `http-${run}-2`, metric: 'humidity', value: 104, unit: '%', ts },
        { deviceId: `http-${run}-3`, metric: 'pressure', value: '1e999', unit: 'bar', ts },
        { deviceId: `http ${run} 4`, metric: 'pressure', value: 1, unit: 'bar', ts },
        { deviceId: `http-${run}-5`, metric: 'pressure', value: 1, unit: 'bar', ts: '2999-01-01T00:00:00Z' },
        { deviceId: `http-${run}-6`, metric: 'temperature', value: 1, unit: 'psi', ts },
        { deviceId: `http-${run}-7`, metric: 'vibration', value: 3, ts },
      ];
      const bodies = items.map((item) => JSON.stringify(item).replace('"1e999"', '1e999'));
      const response = await fetch(`${gateway.url}/v1/ingest/telemetry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.key },
        body: `[${bodies.join(',')}]`,
      });
      assert.equal(response.status, 202);
      const answer = (await response.json()) as IngestAnswer;
      assert.equal(answer.accepted, 1);

      // the same readings, byte for byte, through a producer that does not validate
      const publisher = await mqtt.connectAsync(brokerUrl, { clientId: `e2e-twin-${run}` });
      for (const body of bodies) {
        await publisher.publishAsync(`e2e-${run}/sites/twin/devices/twin/metrics/twin`, body, { qos: 1 });
      }
      await publisher.endAsync();
      const rejectedItems = answer.results.filter((r) => r.status === 'rejected');
      const letters = await processorLetters(
        (raw) => raw.source === 'mqtt' && raw.deviceId.startsWith('http') && raw.deviceId.includes(run),
        rejectedItems.length,
      );
      const reasonByDevice = new Map(letters.map(({ letter, raw }) => [raw.deviceId, letter.reasonCode]));
      assert.deepEqual(
        answer.results.map((result) =>
          result.status === 'accepted'
            ? 'accepted'
            : `${result.reason} / DLQ ${reasonByDevice.get(items[result.index]?.deviceId ?? '')}`,
        ),
        [
          'accepted',
          'unit_unknown / DLQ unit_unknown',
          'value_out_of_range / DLQ value_out_of_range',
          'value_not_finite / DLQ value_not_finite',
          'id_invalid / DLQ id_invalid',
          'time_in_future / DLQ time_in_future',
          'unit_mismatch / DLQ unit_mismatch',
          'unit_missing / DLQ unit_missing',
        ],
      );

      // the accepted reading is stored from both ways in (two sources, two events)
      const { postgres, clickhouse } = await storedReadings(`http-${run}-0`, 2);
      assertSameRows(postgres, clickhouse);
      assert.deepEqual(
        postgres.map((r) => [r.metric, r.value, r.unit, r.sourceTime]),
        [0, 1].map(() => ['temperature', 21.5, 'degC', Date.parse(ts)]),
      );
    } finally {
      await bridge.stop(Date.now() + 5000);
      await gateway.stop(Date.now() + 5000);
      await key.revoke();
    }
  });
});
