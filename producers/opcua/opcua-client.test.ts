import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataType, OPCUAServer, StatusCodes, type UAVariable } from 'node-opcua';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawReadings, type TopicPosition } from '../testing.ts';
import { opcuaSettings } from './config.ts';
import { OpcuaClient } from './opcua-client.ts';

const port = 31840;
const kafka = createKafka('opcua-test');
const run = uniqueSuffix();
let serde: AvroSerde;
let start: TopicPosition;
let server: OPCUAServer;
let temperature: UAVariable;
let pump: UAVariable;
const sourceTime = new Date('2024-05-01T08:00:00.123Z');

describe('OPC UA client against an in-process node-opcua server and Kafka', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
    server = new OPCUAServer({ port, hostname: '127.0.0.1', resourcePath: '/sluice' });
    await server.initialize();
    const namespace = server.engine.addressSpace?.getOwnNamespace();
    assert.ok(namespace);
    const device = namespace.addObject({
      organizedBy: server.engine.addressSpace?.rootFolder.objects,
      browseName: 'Boiler',
    });
    temperature = namespace.addVariable({
      componentOf: device,
      browseName: 'Temperature',
      nodeId: 's=Boiler.Temperature',
      dataType: DataType.Double,
    });
    pump = namespace.addVariable({
      componentOf: device,
      browseName: 'PumpRunning',
      nodeId: 's=Boiler.PumpRunning',
      dataType: DataType.Boolean,
    });
    temperature.setValueFromSource({ dataType: DataType.Double, value: 81.25 }, StatusCodes.Good, sourceTime);
    pump.setValueFromSource(
      { dataType: DataType.Boolean, value: true },
      StatusCodes.UncertainLastUsableValue,
      sourceTime,
    );
    await server.start();
  });

  after(async () => {
    await server.shutdown(0);
  });

  it('carries value, source timestamp and status code of monitored items into raw events', async () => {
    const deviceId = `opcua-${run}`;
    const namespaceIndex = server.engine.addressSpace?.getOwnNamespace().index;
    const settings = loadSettings(opcuaSettings, {
      OPCUA_ENDPOINT_URL: `opc.tcp://127.0.0.1:${port}/sluice`,
      OPCUA_NODES: JSON.stringify([
        {
          nodeId: `ns=${namespaceIndex};s=Boiler.Temperature`,
          deviceId,
          metric: 'temperature',
          unit: 'degC',
          siteId: 'plant-2',
        },
        {
          nodeId: `ns=${namespaceIndex};s=Boiler.PumpRunning`,
          deviceId,
          metric: 'pump_running',
          samplingIntervalMs: 100,
        },
      ]),
      OPCUA_SAMPLING_INTERVAL_MS: '100',
      OPCUA_PUBLISHING_INTERVAL_MS: '100',
    });
    const client = new OpcuaClient(serde, { kafka, settings });
    await client.start();
    try {
      const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === deviceId, {
        count: 2,
      });
      const byMetric = new Map(readings.map((r) => [r.metric, r]));
      const reading = byMetric.get('temperature');
      assert.equal(reading?.source, 'opcua');
      assert.equal(reading?.value, 81.25);
      assert.equal(reading?.unit, 'degC');
      assert.equal(reading?.siteId, 'plant-2');
      assert.equal(reading?.sourceTime, '2024-05-01T08:00:00.123Z');
      assert.equal(reading?.attributes.opcuaStatusCode, 'Good');
      assert.equal(reading?.contentType, 'application/vnd.opcua.datavalue+json');
      const payload = JSON.parse(String(reading?.payload));
      assert.deepEqual(payload.value, { dataType: 'Double', arrayType: 0, value: 81.25 });
      const pumpReading = byMetric.get('pump_running');
      assert.equal(pumpReading?.value, 1);
      assert.equal(pumpReading?.attributes.opcuaStatusCode, 'UncertainLastUsableValue');
      assert.deepEqual(client.health(), { state: 'ready' });

      const changedAt = new Date('2024-05-01T08:00:05.000Z');
      temperature.setValueFromSource({ dataType: DataType.Double, value: 82.5 }, StatusCodes.Good, changedAt);
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
});
