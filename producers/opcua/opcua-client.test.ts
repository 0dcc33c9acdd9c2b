import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataType, StatusCodes } from 'node-opcua';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import { opcuaMissingNode, opcuaSourceTime, opcuaVariables } from '../../schemas/fixtures/opcua.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import { type OpcuaTestServer, startOpcuaTestServer } from '../../test/opcua-server.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawDeadLetters, readRawReadings, type TopicPosition } from '../testing.ts';
import { opcuaSettings } from './config.ts';
import { OpcuaClient, uneceCode } from './opcua-client.ts';

const kafka = createKafka('opcua-test');
const run = uniqueSuffix();
let serde: AvroSerde;
let start: TopicPosition;
let dlqStart: TopicPosition;
let server: OpcuaTestServer;

describe('OPC UA client against an in-process node-opcua server and Kafka', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
    dlqStart = await rawTopicEnd(kafka, dlqContract(topics.rawTelemetry.topic).topic);
    server = await startOpcuaTestServer(opcuaVariables);
  });

  after(async () => {
    await server.shutdown();
  });

  it('carries value, status code, both timestamps and the EngineeringUnits of monitored items into raw events', async () => {
    const deviceId = `opcua-${run}`;
    const nodes = JSON.parse(server.nodes(deviceId)) as Record<string, unknown>[];
    // a unit in the configuration wins over the node's EngineeringUnits
    const configured = nodes.find((node) => String(node.nodeId).endsWith('SupplyTemperature'));
    Object.assign(configured ?? {}, { unit: 'degF', siteId: 'plant-2' });
    const settings = loadSettings(opcuaSettings, {
      OPCUA_ENDPOINT_URL: server.endpointUrl,
      OPCUA_NODES: JSON.stringify(nodes),
      OPCUA_SAMPLING_INTERVAL_MS: '100',
      OPCUA_PUBLISHING_INTERVAL_MS: '100',
    });
    const client = new OpcuaClient(serde, { kafka, settings });
    await client.start();
    try {
      const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === deviceId, {
        count: opcuaVariables.length,
      });
      const byMetric = new Map(readings.map((r) => [r.attributes[telemetryAttributes.opcuaNodeId], r]));
      const reading = (browseName: string) => {
        const found = byMetric.get(`ns=${server.namespaceIndex};s=Boiler.${browseName}`);
        assert.ok(found, browseName);
        return found;
      };
      const temperature = reading('SupplyTemperature');
      assert.equal(temperature.source, 'opcua');
      assert.equal(temperature.value, 81.25);
      assert.equal(temperature.unit, 'degF');
      assert.equal(temperature.siteId, 'plant-2');
      assert.equal(temperature.sourceTime, opcuaSourceTime);
      assert.equal(temperature.attributes[telemetryAttributes.opcuaStatusCode], '0x00000000');
      assert.equal(temperature.attributes[telemetryAttributes.opcuaStatusName], 'Good');
      assert.equal(temperature.attributes[telemetryAttributes.opcuaEngineeringUnits], undefined);
      assert.match(
        temperature.attributes[telemetryAttributes.opcuaServerTimestamp] ?? '',
        /^\d{4}-\d\d-\d\dT/,
      );
      assert.equal(temperature.contentType, 'application/vnd.opcua.datavalue+json');
      const payload = JSON.parse(String(temperature.payload));
      assert.deepEqual(payload.value, { dataType: 'Double', arrayType: 0, value: 81.25 });
      assert.equal(payload.sourceTimestamp, opcuaSourceTime);

      const drum = reading('DrumPressure');
      assert.equal(drum.unit, 'bar');
      assert.equal(drum.attributes[telemetryAttributes.opcuaEngineeringUnits], 'BAR bar');
      assert.equal(drum.attributes[telemetryAttributes.opcuaStatusName], 'UncertainLastUsableValue');
      assert.equal(drum.attributes[telemetryAttributes.opcuaStatusCode], '0x40900000');
      assert.equal(reading('FeedFlow').unit, 'm3/h');
      const bad = reading('FeedPressure');
      assert.equal(bad.attributes[telemetryAttributes.opcuaStatusCode], '0x808C0000');
      assert.equal(bad.attributes[telemetryAttributes.opcuaStatusName], 'BadSensorFailure');
      assert.equal(reading('Vibration').unit, 'mm/s');
      assert.equal(reading('Vibration').attributes[telemetryAttributes.opcuaEngineeringUnits], 'C16 mm/s');
      const pump = reading('PumpRunning');
      assert.equal(pump.value, 1);
      assert.equal(pump.unit, null);

      const [letter] = await readRawDeadLetters(
        kafka,
        serde,
        dlqStart,
        (l) => l.key?.toString() === deviceId,
        {
          count: 1,
        },
      );
      assert.equal(letter?.reasonCode, opcuaMissingNode.reason);
      assert.equal(letter?.component, 'opcua-client');
      assert.equal(
        letter?.source,
        `opcua:${server.endpointUrl}#ns=${server.namespaceIndex};s=Boiler.Missing`,
      );
      assert.match(letter?.message ?? '', /refuses to monitor node .*Missing/);
      assert.equal(letter?.originalOffset, -1);

      const changedAt = new Date('2024-05-01T08:00:05.000Z');
      server.variables
        .get('SupplyTemperature')
        ?.setValueFromSource({ dataType: DataType.Double, value: 82.5 }, StatusCodes.Good, changedAt);
      const changed = await readRawReadings(
        kafka,
        serde,
        start,
        (r) => r.deviceId === deviceId && r.metric === 'temperature' && r.value === 82.5,
        { count: 1 },
      );
      assert.equal(changed[0]?.sourceTime, changedAt.toISOString());
    } finally {
      await client.stop(Date.now() + 5000);
    }
  });

  it('reads UN/CEFACT codes from EUInformation unit ids', () => {
    assert.deepEqual([0x43454c, 0x4b5041, 0x4c32, 0x503150].map(uneceCode), ['CEL', 'KPA', 'L2', 'P1P']);
  });
});
