import type { Component } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { httpGatewaySettings } from './http-gateway/config.ts';
import { modbusSettings } from './modbus/config.ts';
import { mqttBridgeSettings } from './mqtt-bridge/config.ts';
import { opcuaSettings } from './opcua/config.ts';

export const producerNames = ['http-gateway', 'mqtt-bridge', 'opcua-client', 'modbus-poller'] as const;
export type ProducerName = (typeof producerNames)[number];

/**
 * The long-running telemetry producers, for `sluice up` and `sluice run <producer>`. Without names:
 * the gateway and the MQTT bridge always, the OPC UA client and the Modbus poller when nodes or
 * registers are configured (each loads its libraries only when it runs: node-opcua alone takes seconds).
 */
export async function telemetryProducers(serde: AvroSerde, names?: readonly string[]): Promise<Component[]> {
  const wanted = (name: ProducerName, configured = true) => (names ? names.includes(name) : configured);
  const components: Component[] = [];
  if (wanted('http-gateway')) {
    const { HttpGateway } = await import('./http-gateway/http-gateway.ts');
    components.push(new HttpGateway({ serde }, loadSettings(httpGatewaySettings)));
  }
  if (wanted('mqtt-bridge')) {
    const { MqttBridge } = await import('./mqtt-bridge/mqtt-bridge.ts');
    components.push(new MqttBridge(serde, { settings: loadSettings(mqttBridgeSettings) }));
  }
  const opcua = loadSettings(opcuaSettings);
  if (wanted('opcua-client', opcua.nodes.length > 0)) {
    const { OpcuaClient } = await import('./opcua/opcua-client.ts');
    components.push(new OpcuaClient(serde, { settings: opcua }));
  }
  const modbus = loadSettings(modbusSettings);
  if (wanted('modbus-poller', modbus.registers.length > 0)) {
    const { ModbusPoller } = await import('./modbus/modbus-poller.ts');
    components.push(new ModbusPoller(serde, { settings: modbus }));
  }
  return components;
}
