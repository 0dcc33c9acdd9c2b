import { z } from 'zod';
import { bool, defineSettings, positiveInt, type SettingsOf, setting, str } from '../../lib/config.ts';
import { metricTableSetting } from './sparkplug-metrics.ts';
import { compileTopicTemplate, type TopicTemplate } from './topic-template.ts';

/** Sparkplug B group ids: `+` for every group, an empty value for none. */
const sparkplugGroups = z.string().transform((text, ctx): string[] => {
  const groups = text
    .split(',')
    .map((group) => group.trim())
    .filter(Boolean);
  const invalid = groups.find((group) => /[/#]/.test(group) || (group.includes('+') && group !== '+'));
  if (invalid) ctx.addIssue({ code: 'custom', message: `"${invalid}" is not a group id (or +)` });
  return groups;
});

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
    'QoS 1 messages the broker may have unacknowledged at once (they are acknowledged after Kafka); the bridge reads no further while this many wait for Kafka, which bounds its memory.',
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
  sparkplugGroups: setting(
    'MQTT_BRIDGE_SPARKPLUG_GROUPS',
    sparkplugGroups,
    '+',
    'Sparkplug B groups the bridge reads as host application (spBv1.0/<group>/#, comma-separated; + for all, empty for none). Not a shared subscription: births and aliases are per edge node, so give each bridge its own groups.',
  ),
  sparkplugMetrics: setting(
    'MQTT_BRIDGE_SPARKPLUG_METRICS',
    metricTableSetting,
    '{}',
    'JSON object mapping Sparkplug metric names (folder paths; * one level, ** any levels) to Sluice metric names, or to null for no reading; unmapped names keep their path with / as . (docs/telemetry-producers.md).',
  ),
  sparkplugRebirth: setting(
    'MQTT_BRIDGE_SPARKPLUG_REBIRTH',
    bool,
    'false',
    'Publish a rebirth request (NCMD Node Control/Rebirth) to an edge node after a sequence gap, data without birth or an unknown alias (at most every 10 s per node).',
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
    'Largest message payload taken (its bytes go to Kafka, whose records stop at 1 MiB); a larger one is acknowledged and dead-lettered as payload_too_large with its topic and size, without its bytes.',
  ),
});

export type MqttBridgeSettings = SettingsOf<typeof mqttBridgeSettings>;
