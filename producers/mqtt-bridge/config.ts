import { z } from 'zod';
import { defineSettings, positiveInt, type SettingsOf, setting, str } from '../../lib/config.ts';
import { compileTopicTemplate, type TopicTemplate } from './topic-template.ts';

const topicTemplates = z.string().transform((text, ctx): TopicTemplate[] => {
  try {
    return text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map(compileTopicTemplate);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return [];
  }
});

export const mqttBridgeSettings = defineSettings('mqtt bridge', {
  topics: setting(
    'MQTT_BRIDGE_TOPICS',
    topicTemplates,
    'sites/{siteId}/devices/{deviceId}/metrics/{metric#}',
    'Comma-separated topic templates; {deviceId}, {metric} and {siteId} name whole segments ({metric#} takes the rest) and become + or # in the subscription.',
  ),
  clientId: setting(
    'MQTT_BRIDGE_CLIENT_ID',
    str,
    'sluice-mqtt-bridge',
    'MQTT client id; the persistent session (and its queued messages) belongs to it.',
  ),
  shareGroup: setting(
    'MQTT_BRIDGE_SHARE_GROUP',
    z.string().trim(),
    'sluice',
    'Shared-subscription group ($share/<group>/…) so several bridges split the messages; empty subscribes plainly.',
  ),
  sessionExpirySeconds: setting(
    'MQTT_BRIDGE_SESSION_EXPIRY_SECONDS',
    positiveInt,
    '86400',
    'How long the broker keeps the session and queues QoS 1 messages while the bridge is away.',
  ),
  receiveMaximum: setting(
    'MQTT_BRIDGE_RECEIVE_MAXIMUM',
    positiveInt,
    '2000',
    'QoS 1 messages the broker may have unacknowledged at once (they are acknowledged after Kafka); bounds memory.',
  ),
  maxBufferedEvents: setting(
    'MQTT_BRIDGE_MAX_BUFFERED_EVENTS',
    positiveInt,
    '200000',
    'Messages taken from the broker but not yet acknowledged by Kafka; beyond it new batches wait (unacknowledged) and retry.',
  ),
  kafkaBatchBytes: setting(
    'MQTT_BRIDGE_KAFKA_BATCH_BYTES',
    positiveInt,
    '900000',
    'Bytes per Kafka produce request; keep under the broker message.max.bytes (1 MB by default).',
  ),
  reconnectMaxMs: setting(
    'MQTT_BRIDGE_RECONNECT_MAX_MS',
    positiveInt,
    '30000',
    'Longest wait between reconnection attempts to the MQTT broker (exponential backoff with jitter).',
  ),
  maxPayloadBytes: setting(
    'MQTT_BRIDGE_MAX_PAYLOAD_BYTES',
    positiveInt,
    '16384',
    'Largest message payload taken (its bytes go to Kafka, whose records stop at 1 MiB); a larger one is acknowledged, dropped, logged and counted in sluice_errors_total.',
  ),
});

export type MqttBridgeSettings = SettingsOf<typeof mqttBridgeSettings>;
