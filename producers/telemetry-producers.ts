import type { ComponentFactory } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { httpGatewaySettings } from './http-gateway/config.ts';
import { modbusSettings } from './modbus/config.ts';
import { mqttBridgeSettings } from './mqtt-bridge/config.ts';
import { opcuaSettings } from './opcua/config.ts';

export const producerNames = ['http-gateway', 'mqtt-bridge', 'opcua-client', 'modbus-poller'] as const;
export type ProducerName = (typeof producerNames)[number];

/**
 * The long-running telemetry producers, for `sluice up` and `sluice run <producer>`, as factories a
 * supervisor starts (and starts again). Without names: the gateway and the MQTT bridge always, the
 * OPC UA client and the Modbus poller when nodes or registers are configured (each loads its
 * libraries only when it runs: node-opcua alone takes seconds). `serde` is awaited by each start,
 * so a producer waits for the registry without holding the others.
 */
export function telemetryProducers(
  serde: () => Promise<AvroSerde>,
  names?: readonly string[],
): ComponentFactory[] {
  const wanted = (name: ProducerName, configured = true) => (names ? names.includes(name) : configured);
  const factories: ComponentFactory[] = [];
  if (wanted('http-gateway')) {
    factories.push({
      name: 'http-gateway',
      create: async () => {
        const { HttpGateway } = await import('./http-gateway/http-gateway.ts');
        return new HttpGateway({ serde: await serde() }, loadSettings(httpGatewaySettings));
      },
    });
  }
  if (wanted('mqtt-bridge')) {
    factories.push({
      name: 'mqtt-bridge',
      create: async () => {
        const { MqttBridge } = await import('./mqtt-bridge/mqtt-bridge.ts');
        return new MqttBridge(await serde(), { settings: loadSettings(mqttBridgeSettings) });
      },
    });
  }
  const opcua = loadSettings(opcuaSettings);
  if (wanted('opcua-client', opcua.nodes.length > 0)) {
    factories.push({
      name: 'opcua-client',
      create: async () => {
        const { OpcuaClient } = await import('./opcua/opcua-client.ts');
        return new OpcuaClient(await serde(), { settings: opcua });
      },
    });
  }
  const modbus = loadSettings(modbusSettings);
  if (wanted('modbus-poller', modbus.registers.length > 0)) {
    factories.push({
      name: 'modbus-poller',
      create: async () => {
        const { ModbusPoller } = await import('./modbus/modbus-poller.ts');
        return new ModbusPoller(await serde(), { settings: modbus });
      },
    });
  }
  return factories;
}
