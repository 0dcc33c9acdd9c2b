import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServerTCP } from 'modbus-serial';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, topics } from '../../schemas/catalog.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawDeadLetters, readRawReadings, type TopicPosition } from '../testing.ts';
import { modbusSettings, registerSpec } from './config.ts';
import { ModbusPoller } from './modbus-poller.ts';
import { decodeRegisters } from './registers.ts';

const port = 31502;
/** A holding register the device answers with an exception (illegal data address). */
const refusedAddress = 99;
const kafka = createKafka('modbus-test');
const run = uniqueSuffix();
let serde: AvroSerde;
let start: TopicPosition;
let dlqStart: TopicPosition;
let server: ServerTCP;

/** Register contents of the simulated device, as 16-bit words. */
function words(value: number, write: (b: Buffer, v: number) => void, order: number[]): number[] {
  const b = Buffer.alloc(4);
  write(b, value);
  const ordered = Buffer.from(order.map((i) => b[i] as number));
  return [ordered.readUInt16BE(0), ordered.readUInt16BE(2)];
}
const holding = new Map<number, number>([
  [0, 0xff85], // int16 -123
  ...words(21.5, (b, v) => b.writeFloatBE(v), [2, 3, 0, 1]).map((w, i) => [1 + i, w] as [number, number]), // float32 CDAB
  [5, 650], // uint16 650 → ×0.1 − 40 = 25 degC
]);
const input = new Map<number, number>(
  words(100_000, (b, v) => b.writeUInt32BE(v), [0, 1, 2, 3]).map((w, i) => [10 + i, w] as [number, number]),
);

describe('Modbus TCP poller against an in-process Modbus server and Kafka', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
    dlqStart = await rawTopicEnd(kafka, dlqContract(topics.rawTelemetry.topic).topic);
    server = new ServerTCP(
      {
        getHoldingRegister: (address: number) => {
          if (address === refusedAddress) throw { modbusErrorCode: 2, msg: 'Illegal data address' };
          return holding.get(address) ?? 0;
        },
        getInputRegister: (address: number) => input.get(address) ?? 0,
      },
      { host: '127.0.0.1', port, unitID: 3 },
    );
    await new Promise<void>((resolve) => server.on('initialized', () => resolve()));
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('polls holding and input registers with type, byte order, scale and offset into raw events', async () => {
    const device = `modbus-${run}`;
    const registers = [
      { deviceId: device, metric: 'level', table: 'holding', address: 0, type: 'int16', unit: 'mm' },
      {
        deviceId: device,
        metric: 'temperature',
        table: 'holding',
        address: 1,
        type: 'float32',
        byteOrder: 'CDAB',
        unit: 'degC',
      },
      { deviceId: device, metric: 'energy', table: 'input', address: 10, type: 'uint32', unit: 'Wh' },
      {
        deviceId: device,
        metric: 'supply',
        table: 'holding',
        address: 5,
        type: 'uint16',
        scale: 0.1,
        offset: -40,
        unit: 'degC',
      },
      { deviceId: device, metric: 'pressure', table: 'holding', address: refusedAddress, unit: 'bar' },
    ];
    const settings = loadSettings(modbusSettings, {
      MODBUS_HOST: '127.0.0.1',
      MODBUS_PORT: String(port),
      MODBUS_UNIT_ID: '3',
      MODBUS_REGISTERS: JSON.stringify(registers),
      MODBUS_POLL_INTERVAL_MS: '200',
    });
    const poller = new ModbusPoller(serde, { kafka, settings });
    await poller.start();
    try {
      const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === device, { count: 8 });
      const first = new Map(readings.map((r) => [r.metric, r]));
      assert.equal(first.get('level')?.value, -123);
      assert.equal(first.get('temperature')?.value, 21.5);
      assert.equal(first.get('energy')?.value, 100_000);
      assert.ok(Math.abs((first.get('supply')?.value ?? 0) - 25) < 1e-9);
      const energy = first.get('energy');
      assert.equal(energy?.source, 'modbus');
      assert.equal(energy?.contentType, 'application/vnd.modbus.registers+json');
      assert.deepEqual(JSON.parse(String(energy?.payload)).registers, [...input.values()]);
      assert.equal(energy?.attributes.modbusUnit, '3');
      assert.equal(energy?.attributes.modbusTable, 'input');
      assert.deepEqual(poller.health(), { state: 'ready' });
      // the refused register is dead-lettered once, however many polls it is refused in (the poller's
      // letters only: a processor that other tests run may reject this device's readings meanwhile)
      const letters = await readRawDeadLetters(
        kafka,
        serde,
        dlqStart,
        (l) => l.key?.toString() === device && l.component === 'modbus-poller',
        { count: 1 },
      );
      assert.equal(letters.length, 1);
      assert.equal(letters[0]?.reasonCode, 'read_failed');
      assert.equal(letters[0]?.source, `modbus:127.0.0.1:${port}/3/holding/${refusedAddress}`);
      assert.match(letters[0]?.message ?? '', /refuses holding register 99 .*Modbus exception 2/);
    } finally {
      await poller.stop(Date.now() + 5000);
    }
  });

  it('decodes every type in every byte order', () => {
    assert.equal(decodeRegisters([0x4148, 0x0000], 'float32', 'ABCD'), 12.5);
    assert.equal(decodeRegisters([0x0000, 0x4148], 'float32', 'CDAB'), 12.5);
    assert.equal(decodeRegisters([0x4841, 0x0000], 'float32', 'BADC'), 12.5);
    assert.equal(decodeRegisters([0x0000, 0x4841], 'float32', 'DCBA'), 12.5);
    assert.equal(decodeRegisters([0xffff, 0xfffe], 'int32', 'ABCD'), -2);
    assert.equal(decodeRegisters([0x0001, 0x0000], 'uint32', 'CDAB'), 1);
    assert.equal(decodeRegisters([0x0100], 'uint16', 'BADC'), 1);
    assert.equal(decodeRegisters([0x8000], 'int16', 'ABCD'), -32768);
    assert.throws(() => decodeRegisters([1], 'float32', 'ABCD'), /float32 needs 2 registers, got 1/);
    assert.throws(() => registerSpec.parse({ deviceId: 'd', metric: 'm', address: 1, type: 'float64' }));
    assert.throws(
      () => loadSettings(modbusSettings, { MODBUS_REGISTERS: '[{"deviceId":"d"}]' }),
      /MODBUS_REGISTERS=.* is invalid: register 0.metric/,
    );
  });
});
