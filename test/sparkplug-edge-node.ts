import mqtt, { type MqttClient } from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import type { SparkplugMessage, SparkplugScenario } from '../schemas/fixtures/sparkplug.ts';
import { uniqueSuffix } from './support.ts';

const codec = sparkplugPayload.get('spBv1.0') as NonNullable<ReturnType<typeof sparkplugPayload.get>>;

/**
 * A Sparkplug B edge node for tests and benchmarks, on a real MQTT connection: its NDEATH is the
 * connection's will (the broker publishes it when the node dies), it publishes the fixture's
 * messages in order and records the commands (NCMD) a host sends it, decoded with Tahu's library.
 */
export class SparkplugEdgeNode {
  readonly commands: { name: string; value: unknown }[] = [];

  private constructor(private readonly client: MqttClient) {}

  static async connect(brokerUrl: string, scenario: SparkplugScenario): Promise<SparkplugEdgeNode> {
    const client = await mqtt.connectAsync(brokerUrl, {
      clientId: `sparkplug-${scenario.edgeNode}-${uniqueSuffix()}`,
      protocolVersion: 5,
      will: { topic: scenario.ndeath.topic, payload: scenario.ndeath.payload, qos: 1, retain: false },
    });
    const node = new SparkplugEdgeNode(client);
    client.on('message', (_topic, payload) => {
      for (const metric of codec.decodePayload(payload).metrics ?? []) {
        node.commands.push({ name: metric.name ?? '', value: metric.value });
      }
    });
    await client.subscribeAsync(`spBv1.0/${scenario.group}/NCMD/${scenario.edgeNode}`, { qos: 1 });
    return node;
  }

  /** Publishes in order, each acknowledged by the broker (QoS 1) before the next. */
  async publish(messages: SparkplugMessage[]): Promise<void> {
    for (const { topic, payload } of messages) await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** Drops the connection as a crash would: the broker publishes the will, the NDEATH. */
  async die(): Promise<void> {
    // MQTT 5 reason code 4: Disconnect with Will Message
    await this.client.endAsync(false, { reasonCode: 4 });
  }

  async end(): Promise<void> {
    await this.client.endAsync();
  }
}
