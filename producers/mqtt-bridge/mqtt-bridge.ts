import type { Kafka, Message } from 'kafkajs';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import { createMqttClient, mqttSettings } from '../../lib/mqtt.ts';
import { backoffDelay, retry } from '../../lib/retry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { RawTelemetryPublisher, readingFromFields } from '../raw-telemetry.ts';
import {
  type FieldsResult,
  isSpace,
  numericValue,
  type ReadingFields,
  readingFields,
} from '../telemetry-wire.ts';
import { type MqttBridgeSettings, mqttBridgeSettings } from './config.ts';
import type { TopicFields, TopicTemplate } from './topic-template.ts';

const topic = topics.rawTelemetry.topic;

/**
 * What one MQTT payload says: a JSON object `{value, unit, ts, messageId}` or a bare number; the
 * topic already names site, device and metric. Anything else keeps its bytes with value null, so
 * the processor rejects it with the original at hand.
 */
export function mqttReadingFields(
  payload: Buffer,
  fromTopic: TopicFields,
): { fields: ReadingFields; json: boolean } {
  let first = 0;
  while (first < payload.length && isSpace(payload[first] as number)) first++;
  if (payload[first] === 0x7b) {
    const defaults = { deviceId: fromTopic.deviceId, metric: fromTopic.metric, siteId: fromTopic.siteId };
    let parsed: FieldsResult | undefined;
    try {
      parsed = readingFields(JSON.parse(payload.toString('utf8')), defaults);
    } catch {
      parsed = undefined;
    }
    return { fields: parsed?.ok ? parsed.fields : topicFields(fromTopic, null), json: true };
  }
  return { fields: topicFields(fromTopic, numericValue(payload.toString('utf8'))), json: false };
}

/**
 * What the topic says, with `value`. Written out field by field: object spreads on this path
 * (`{ ...defaults, value }`) measured 5 µs a message, more than parsing its JSON.
 */
function topicFields(fromTopic: TopicFields, value: number | null): ReadingFields {
  return {
    deviceId: fromTopic.deviceId,
    metric: fromTopic.metric,
    siteId: fromTopic.siteId,
    value,
    unit: null,
    sourceTime: null,
    messageId: null,
  };
}

interface PendingBatch {
  messages: Message[];
  /** MQTT messages taken into the batch, counted once per batch (not per message) in the metrics. */
  received: number;
  /** Settles when Kafka acknowledged the batch; the PUBACKs of its MQTT messages wait for it. */
  delivered?: Promise<void>;
}

/**
 * Bridges MQTT to the raw topic: QoS 1 subscriptions in a persistent session (shared where the
 * broker supports it), topic segments mapped to site/device/metric, and each message acknowledged
 * to the broker only after Kafka acknowledged its raw event. Reconnects with jittered backoff.
 */
export class MqttBridge implements Component {
  readonly name = 'mqtt-bridge';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  readonly settings: MqttBridgeSettings;
  private readonly url: string;
  private readonly publisher: RawTelemetryPublisher;
  private client?: MqttClient;
  private batch?: PendingBatch;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pendingAcks = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();
  private reconnectAttempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private lastError?: string;

  constructor(
    serde: AvroSerde,
    options: { kafka?: Kafka; settings?: MqttBridgeSettings; url?: string } = {},
  ) {
    this.settings = options.settings ?? loadSettings(mqttBridgeSettings);
    this.url = options.url ?? loadSettings(mqttSettings).url;
    this.publisher = new RawTelemetryPublisher(
      options.kafka ?? createKafka(this.name),
      serde,
      this.metrics,
      {
        maxBufferedEvents: this.settings.maxBufferedEvents,
        maxBatchBytes: this.settings.kafkaBatchBytes,
        sendTimeoutMs: 30_000,
        sendRetries: 5,
      },
      this.name,
    );
  }

  private subscriptions(): string[] {
    const group = this.settings.shareGroup;
    return this.settings.topics.map((t) => (group ? `$share/${group}/${t.filter}` : t.filter));
  }

  async start(): Promise<void> {
    await this.publisher.connect();
    const { client, connected } = createMqttClient(
      this.url,
      {
        clientId: this.settings.clientId,
        protocolVersion: 5,
        clean: false,
        properties: {
          sessionExpiryInterval: this.settings.sessionExpirySeconds,
          receiveMaximum: this.settings.receiveMaximum,
        },
        reconnectPeriod: 0, // reconnection is ours, with backoff
        connectTimeout: 10_000,
      },
      this.logger,
    );
    this.client = client;
    this.deferAcknowledgements(client);
    client.on('connect', (connack) => {
      this.reconnectAttempt = 0;
      this.lastError = undefined;
      this.metrics.health(1);
      this.logger.info({ sessionPresent: connack.sessionPresent, url: this.url }, 'connected');
      client.subscribe(this.subscriptions(), { qos: 1 }, (err, granted) => {
        const refused = granted?.filter((g) => g.qos > 2) ?? [];
        if (err || refused.length > 0) {
          this.lastError = err
            ? describeError(err)
            : `subscription refused: ${refused.map((g) => g.topic).join(', ')}`;
          this.logger.error({ err: this.lastError }, 'subscribe failed');
        }
      });
    });
    client.on('close', () => this.scheduleReconnect());
    client.on('error', (err) => {
      this.lastError = describeError(err);
      this.metrics.error('mqtt', classifyError(err).code, 'retriable');
    });
    await connected;
  }

  private scheduleReconnect(): void {
    this.metrics.health(0.5);
    if (this.stopping.signal.aborted || this.reconnectTimer) return;
    const delayMs = backoffDelay(this.reconnectAttempt++, {
      initialDelayMs: 500,
      maxDelayMs: this.settings.reconnectMaxMs,
      factor: 2,
    });
    this.logger.warn(
      { delayMs, attempt: this.reconnectAttempt, err: this.lastError },
      'disconnected; reconnecting',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopping.signal.aborted) this.client?.reconnect();
    }, delayMs);
  }

  /**
   * mqtt.js sends a QoS 1 PUBACK as soon as `handleMessage` calls back, and reads the next message
   * only then: holding the callback until Kafka acknowledged would serialise every message on a
   * Kafka round trip. So messages are taken at once and only the PUBACK packet waits, in
   * `_sendPacket` (mqtt.js 5), until Kafka acknowledged the batch holding the message. The
   * broker's receive-maximum bounds how many wait.
   */
  private deferAcknowledgements(client: MqttClient): void {
    client.handleMessage = (packet, callback) => {
      this.take(packet);
      callback();
    };
    const internals = client as unknown as {
      _sendPacket: (packet: { cmd: string; messageId?: number }, ...rest: unknown[]) => void;
    };
    const send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, ...rest) => {
      const delivered =
        packet.cmd === 'puback' && packet.messageId !== undefined
          ? this.pendingAcks.get(packet.messageId)
          : undefined;
      if (!delivered) {
        send(packet, ...rest);
        return;
      }
      this.pendingAcks.delete(packet.messageId as number);
      const [callback, ...more] = rest as [(() => void) | undefined, ...unknown[]];
      // a message whose batch never reached Kafka (bridge stopping) stays unacknowledged: the broker redelivers it
      delivered.then(
        () => send(packet, undefined, ...more),
        () => {},
      );
      callback?.();
    };
  }

  private take(packet: IPublishPacket): void {
    const receivedAt = Date.now();
    const mqttTopic = packet.topic;
    const fromTopic = this.match(mqttTopic);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    let message: Message | undefined;
    if (payload.length > this.settings.maxPayloadBytes) {
      // a record over the broker's limit would fail its whole batch, again at every redelivery
      this.metrics.error('route', 'ING_VALIDATION_FAILED', 'poison');
      this.logger.warn(
        { mqttTopic, bytes: payload.length, limit: this.settings.maxPayloadBytes },
        'payload too large; acknowledged and dropped',
      );
    } else if (fromTopic) {
      const { fields, json } = mqttReadingFields(payload, fromTopic);
      try {
        const attributes: Record<string, string> = { mqttTopic, qos: String(packet.qos) };
        if (packet.retain) attributes.retain = 'true';
        message = this.publisher.encode(
          readingFromFields(
            fields,
            { source: 'mqtt', contentType: json ? 'application/json' : 'text/plain', payload, attributes },
            receivedAt,
          ),
        );
      } catch (err) {
        const error = classifyError(err);
        this.metrics.error('encode', error.code, error.disposition);
        this.logger.warn(
          { mqttTopic, err: error.message },
          'message cannot be encoded; acknowledged and dropped',
        );
      }
    } else {
      this.metrics.error('route', 'ING_VALIDATION_FAILED', 'poison');
      this.logger.warn({ mqttTopic }, 'topic matches no template; acknowledged and dropped');
    }
    if (!this.batch) {
      const batch: PendingBatch = { messages: [], received: 0 };
      this.batch = batch;
      batch.delivered = new Promise<void>((resolveDelivered, reject) => {
        // every message parsed from the same socket read joins this batch
        setImmediate(() => {
          this.batch = undefined;
          this.metrics.received(topic, batch.received);
          const sending = this.deliver(batch.messages);
          this.inFlight.add(sending);
          sending.then(resolveDelivered, reject).finally(() => this.inFlight.delete(sending));
        });
      });
      batch.delivered.catch(() => {});
    }
    this.batch.received++;
    if (message) this.batch.messages.push(message);
    if (packet.qos > 0 && packet.messageId !== undefined) {
      this.pendingAcks.set(packet.messageId, this.batch.delivered as Promise<void>);
    }
  }

  private match(mqttTopic: string): TopicFields | undefined {
    for (const template of this.settings.topics as TopicTemplate[]) {
      const fields = template.match(mqttTopic);
      if (fields) return fields;
    }
    return undefined;
  }

  /** Retries while Kafka is unavailable (messages stay unacknowledged meanwhile); only stopping ends it. */
  private async deliver(messages: Message[]): Promise<void> {
    await retry(() => this.publisher.publish(messages), {
      retries: Number.POSITIVE_INFINITY,
      // a full buffer clears in milliseconds: a long backoff here would idle the bridge
      maxDelayMs: 2000,
      signal: this.stopping.signal,
      // the publisher reports the outage (health, one warning); a line per retried batch would flood the log
      onRetry: (err) => {
        this.logger.debug(
          { err: describeError(err), events: messages.length },
          'Kafka unavailable; retrying',
        );
      },
    });
  }

  async stop(deadline: number): Promise<void> {
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    // finish what was taken so its PUBACKs go out; the session keeps the rest for the next start
    const giveUp = new Promise<void>((resolve) =>
      setTimeout(resolve, Math.max(0, deadline - Date.now())).unref(),
    );
    await Promise.race([Promise.allSettled([...this.inFlight]), giveUp]);
    this.stopping.abort();
    await new Promise((resolve) => setImmediate(resolve));
    await client?.endAsync();
    await this.publisher.close(deadline);
    this.metrics.health(0);
  }

  health(): Health {
    if (!this.client) return { state: 'down', reason: 'not started' };
    if (!this.client.connected)
      return { state: 'down', reason: `MQTT disconnected: ${this.lastError ?? 'reconnecting'}` };
    const publisher = this.publisher.health();
    if (publisher.state !== 'ready') return publisher;
    return this.lastError ? { state: 'degraded', reason: this.lastError } : { state: 'ready' };
  }
}
