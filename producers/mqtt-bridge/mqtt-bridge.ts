import type { Kafka, Message } from 'kafkajs';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type pg from 'pg';
import { Counter } from 'prom-client';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { componentMetrics, metricsRegistry } from '../../lib/metrics.ts';
import { createMqttClient, mqttSettings } from '../../lib/mqtt.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { ReasonCode } from '../../lib/reasons.ts';
import { backoffDelay, retry } from '../../lib/retry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import { TransportDeadLetters } from '../dead-letters.ts';
import { RawTelemetryPublisher, readingFromFields } from '../raw-telemetry.ts';
import {
  type ItemRefusal,
  isSpace,
  numericValue,
  type ReadingFields,
  readingFields,
  readingTooLarge,
} from '../telemetry-wire.ts';
import { type MqttBridgeSettings, mqttBridgeSettings } from './config.ts';
import { DeviceStates } from './device-states.ts';
import {
  parseSparkplugTopic,
  rebirthRequest,
  SparkplugHost,
  type SparkplugTopic,
  sparkplugNamespace,
} from './sparkplug.ts';
import type { TopicFields, TopicTemplate } from './topic-template.ts';

const topic = topics.rawTelemetry.topic;

const sparkplugMessages = new Counter({
  name: 'sluice_sparkplug_messages_total',
  help: 'Sparkplug B messages taken by the MQTT bridge, by type (commands and STATE are counted, never stored).',
  labelNames: ['component', 'type'] as const,
  registers: [metricsRegistry],
});

const sparkplugSeqGaps = new Counter({
  name: 'sluice_sparkplug_seq_gaps_total',
  help: 'Sparkplug B messages whose sequence number did not follow the edge node last one (messages lost or reordered).',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

const sparkplugRebirths = new Counter({
  name: 'sluice_sparkplug_rebirth_requests_total',
  help: 'Rebirth requests (NCMD Node Control/Rebirth) the MQTT bridge published.',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

/** A rebirth request to the same edge node waits at least this long after the last one. */
const rebirthIntervalMs = 10_000;

/**
 * What one MQTT payload says: a JSON object `{value, unit, ts, messageId}` or a bare number; the
 * topic already names site, device and metric. Anything else is refused with the reason its dead
 * letter carries.
 */
export function mqttReadingFields(
  payload: Buffer,
  fromTopic: TopicFields,
): { ok: true; fields: ReadingFields; json: boolean } | ({ ok: false } & ItemRefusal) {
  let first = 0;
  while (first < payload.length && isSpace(payload[first] as number)) first++;
  if (payload[first] === 0x7b) {
    const defaults = { deviceId: fromTopic.deviceId, metric: fromTopic.metric, siteId: fromTopic.siteId };
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return {
        ok: false,
        reason: 'payload_unreadable',
        message: `malformed JSON: ${(err as Error).message}`,
      };
    }
    const fields = readingFields(parsed, defaults);
    return fields.ok ? { ok: true, fields: fields.fields, json: true } : fields;
  }
  const value = numericValue(payload.toString('utf8'));
  if (value === null) {
    return {
      ok: false,
      reason: 'payload_unreadable',
      message:
        first === payload.length
          ? 'the payload is empty'
          : 'the payload is neither a JSON object nor a number',
    };
  }
  return { ok: true, fields: topicFields(fromTopic, value), json: false };
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
  /** Dead letters of messages that map to no reading; acknowledged by Kafka like the readings. */
  letters: Message[];
  /** MQTT messages taken into the batch, counted once per batch (not per message) in the metrics. */
  received: number;
  /** Kafka acknowledged the batch: the PUBACKs of its messages go out as mqtt.js sends them. */
  delivered: boolean;
  /** PUBACKs mqtt.js sent before Kafka acknowledged the batch, held until it does. */
  heldAcks: MqttPacket[];
}

/** What mqtt.js hands its `_sendPacket`: a PUBACK among other packets. */
interface MqttPacket {
  cmd: string;
  messageId?: number;
  reasonCode?: number;
  properties?: object;
}

/**
 * Bridges MQTT to the raw topic: QoS 1 subscriptions in a persistent session (shared where the
 * broker supports it), topic segments mapped to site/device/metric, Sparkplug B read as a host
 * application, and each message acknowledged to the broker only after Kafka acknowledged what it
 * became: its raw events, or its dead letter when it maps to no reading (unmapped topic,
 * unreadable payload, Sparkplug data that cannot be resolved). Commands and STATE are counted.
 * Reconnects with jittered backoff.
 */
export class MqttBridge implements Component {
  readonly name = 'mqtt-bridge';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  readonly settings: MqttBridgeSettings;
  private readonly url: string;
  private readonly publisher: RawTelemetryPublisher;
  private readonly deadLetters: TransportDeadLetters;
  private readonly sparkplug?: SparkplugHost;
  private readonly deviceStates?: DeviceStates;
  private readonly ownedPool?: pg.Pool;
  private readonly rebirthsAsked = new Map<string, number>();
  private client?: MqttClient;
  private batch?: PendingBatch;
  private readonly inFlight = new Set<Promise<void>>();
  /** The batch of each QoS 1 message taken and not yet acknowledged to the broker, by MQTT message id (1-65535). */
  private readonly pendingAcks = new Array<PendingBatch | undefined>(65_536).fill(undefined);
  /** Messages taken whose batch Kafka has not acknowledged yet. */
  private unacknowledged = 0;
  /** mqtt.js's go-ahead for the next message, held while `receiveMaximum` messages are unacknowledged. */
  private resumeReading?: () => void;
  /** mqtt.js's own `_sendPacket`, for the PUBACKs held until Kafka acknowledged. */
  private sendPacket: (packet: MqttPacket) => void = () => {};
  private readonly stopping = new AbortController();
  private reconnectAttempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private lastError?: string;

  constructor(
    serde: AvroSerde,
    options: { kafka?: Kafka; settings?: MqttBridgeSettings; url?: string; pool?: pg.Pool } = {},
  ) {
    this.settings = options.settings ?? loadSettings(mqttBridgeSettings);
    this.url = options.url ?? loadSettings(mqttSettings).url;
    const kafka = options.kafka ?? createKafka(this.name);
    this.deadLetters = new TransportDeadLetters(kafka, serde, this.metrics, this.name);
    if (this.settings.sparkplugGroups.length > 0) {
      this.sparkplug = new SparkplugHost(this.settings.sparkplugMetrics);
      if (!options.pool) this.ownedPool = createPgPool();
      this.deviceStates = new DeviceStates(
        options.pool ?? (this.ownedPool as pg.Pool),
        'sparkplug',
        componentLogger(this.name, { part: 'device-states' }),
      );
    }
    this.publisher = new RawTelemetryPublisher(
      kafka,
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
    return [
      ...this.settings.topics.map((t) => (group ? `$share/${group}/${t.filter}` : t.filter)),
      // never shared: an edge node's births, aliases and sequence numbers must reach one host
      ...this.settings.sparkplugGroups.map((sparkplugGroup) => `${sparkplugNamespace}/${sparkplugGroup}/#`),
    ];
  }

  async start(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.deadLetters.connect()]);
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
   * `_sendPacket` (mqtt.js 5), until Kafka acknowledged the batch holding the message; the PUBACKs
   * of a batch go out together. The bridge reads no further while `receiveMaximum` messages wait
   * for Kafka: Mosquitto 2.0 keeps to the client's receive maximum only for the first messages of
   * a resumed session and then sends its whole queue (a 100,000-message backlog came as batches of
   * 15,833, all held in memory at once).
   */
  private deferAcknowledgements(client: MqttClient): void {
    client.handleMessage = (packet, callback) => {
      this.take(packet);
      if (this.unacknowledged < this.settings.receiveMaximum) callback();
      else this.resumeReading = callback;
    };
    type SendPacket = (
      packet: MqttPacket,
      callback?: () => void,
      storePut?: unknown,
      noStore?: boolean,
    ) => void;
    const internals = client as unknown as { _sendPacket: SendPacket };
    const send = internals._sendPacket.bind(client);
    this.sendPacket = send;
    internals._sendPacket = (packet, callback, storePut, noStore) => {
      const batch =
        packet.cmd === 'puback' && packet.messageId !== undefined
          ? this.pendingAcks[packet.messageId]
          : undefined;
      if (!batch) {
        send(packet, callback, storePut, noStore);
        return;
      }
      this.pendingAcks[packet.messageId as number] = undefined;
      if (batch.delivered) send(packet);
      // a message whose batch never reaches Kafka (bridge stopping) stays unacknowledged: the broker redelivers it
      else batch.heldAcks.push(packet);
      callback?.();
    };
  }

  /** Kafka acknowledged `batch`: its held PUBACKs go out, and reading resumes if it waited for room. */
  private acknowledge(batch: PendingBatch): void {
    batch.delivered = true;
    this.sendAcks(batch.heldAcks);
    batch.heldAcks.length = 0;
    this.unacknowledged -= batch.received;
    const resume = this.resumeReading;
    if (resume && this.unacknowledged < this.settings.receiveMaximum) {
      this.resumeReading = undefined;
      resume();
    }
  }

  /**
   * A batch's PUBACKs, in the order their messages came: one socket write of 4 bytes each when all
   * are plain successes (MQTT 5 omits the reason code and properties then), where mqtt.js writes
   * three chunks a packet (7% of the bridge's time while it drained a backlog).
   */
  private sendAcks(packets: readonly MqttPacket[]): void {
    if (packets.length === 0) return;
    const client = this.client;
    const plain = packets.every((packet) => !packet.reasonCode && !packet.properties);
    if (!client?.connected || !plain) {
      for (const packet of packets) this.sendPacket(packet);
      return;
    }
    const bytes = Buffer.allocUnsafe(packets.length * 4);
    packets.forEach((packet, i) => {
      bytes[i * 4] = 0x40;
      bytes[i * 4 + 1] = 2;
      bytes.writeUInt16BE(packet.messageId as number, i * 4 + 2);
    });
    client.stream.write(bytes);
  }

  private take(packet: IPublishPacket): void {
    const receivedAt = Date.now();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (!this.batch) {
      const batch: PendingBatch = { messages: [], letters: [], received: 0, delivered: false, heldAcks: [] };
      this.batch = batch;
      // every message parsed from the same socket read joins this batch
      setImmediate(() => {
        this.batch = undefined;
        this.metrics.received(topic, batch.received);
        const sending = this.deliver(batch).then(
          () => this.acknowledge(batch),
          () => {},
        );
        this.inFlight.add(sending);
        sending.finally(() => this.inFlight.delete(sending));
      });
    }
    const batch = this.batch;
    batch.received++;
    this.unacknowledged++;
    try {
      this.route(packet, payload, receivedAt, batch);
    } catch (err) {
      // a message that cannot even be encoded is dead-lettered: acknowledged, never lost
      const error = classifyError(err);
      this.metrics.error('encode', error.code, error.disposition);
      batch.letters.push(this.letter(packet, payload, receivedAt, 'serde_invalid', error.message));
    }
    if (packet.qos > 0 && packet.messageId !== undefined) {
      this.pendingAcks[packet.messageId] = batch;
    }
  }

  /** What a message becomes: raw events, or a dead letter saying why it maps to no reading. */
  private route(packet: IPublishPacket, payload: Buffer, receivedAt: number, batch: PendingBatch): void {
    const mqttTopic = packet.topic;
    if (payload.length > this.settings.maxPayloadBytes) {
      // a record over the broker's limit would fail its whole batch, again at every redelivery: the
      // dead letter keeps where it came from and its size, not its bytes (as the gateway and file import do)
      const { reason, message } = readingTooLarge(payload.length, this.settings.maxPayloadBytes);
      batch.letters.push(this.letter(packet, Buffer.alloc(0), receivedAt, reason, message));
      return;
    }
    const sparkplugTopic =
      this.sparkplug && mqttTopic.startsWith(`${sparkplugNamespace}/`)
        ? parseSparkplugTopic(mqttTopic)
        : undefined;
    if (sparkplugTopic) {
      this.sparkplugMessage(sparkplugTopic, packet, payload, receivedAt, batch);
      return;
    }
    const fromTopic = this.match(mqttTopic);
    if (!fromTopic) {
      batch.letters.push(
        this.letter(
          packet,
          payload,
          receivedAt,
          'topic_unmapped',
          `topic ${mqttTopic} matches no template of MQTT_BRIDGE_TOPICS (${this.settings.topics.map((t) => t.template).join(', ')})`,
        ),
      );
      return;
    }
    const read = mqttReadingFields(payload, fromTopic);
    if (!read.ok) {
      batch.letters.push(this.letter(packet, payload, receivedAt, read.reason, read.message));
      return;
    }
    batch.messages.push(
      this.publisher.encode(
        readingFromFields(
          read.fields,
          {
            source: 'mqtt',
            contentType: read.json ? 'application/json' : 'text/plain',
            payload,
            attributes: mqttAttributes(packet),
          },
          receivedAt,
        ),
      ),
    );
  }

  /** A Sparkplug B message: readings of its metrics, dead letters of what cannot be read, device states. */
  private sparkplugMessage(
    sparkplugTopic: SparkplugTopic,
    packet: IPublishPacket,
    payload: Buffer,
    receivedAt: number,
    batch: PendingBatch,
  ): void {
    sparkplugMessages.inc({ component: this.name, type: sparkplugTopic.type });
    const outcome = (this.sparkplug as SparkplugHost).handle(sparkplugTopic, payload);
    if (outcome.seqGap) sparkplugSeqGaps.inc({ component: this.name });
    if (outcome.rebirth) this.requestRebirth(sparkplugTopic);
    if (outcome.states.length > 0) this.deviceStates?.record(outcome.states, receivedAt);
    const transport = mqttAttributes(packet);
    for (const reading of outcome.readings) {
      batch.messages.push(
        this.publisher.encode(
          readingFromFields(
            {
              deviceId: reading.deviceId,
              siteId: null,
              metric: reading.metric,
              value: reading.value,
              unit: reading.unit,
              sourceTime: reading.sourceTime,
              messageId: null,
            },
            {
              source: 'mqtt',
              contentType: sparkplugContentType,
              payload,
              attributes: Object.assign(reading.attributes, transport),
            },
            receivedAt,
          ),
        ),
      );
    }
    for (const refusal of outcome.refusals) {
      batch.letters.push(this.letter(packet, payload, receivedAt, refusal.reason, refusal.message));
    }
  }

  /** Asks an edge node for new births, when configured and not asked within the last 10 s. */
  private requestRebirth(sparkplugTopic: SparkplugTopic): void {
    if (!this.settings.sparkplugRebirth || !this.client) return;
    const node = `${sparkplugTopic.group}/${sparkplugTopic.edgeNode}`;
    const now = Date.now();
    if (now - (this.rebirthsAsked.get(node) ?? 0) < rebirthIntervalMs) return;
    this.rebirthsAsked.set(node, now);
    const request = rebirthRequest(sparkplugTopic.group, sparkplugTopic.edgeNode, now);
    this.client.publish(request.topic, request.payload, { qos: 0 });
    sparkplugRebirths.inc({ component: this.name });
    this.logger.info({ node }, 'asked the edge node for a rebirth');
  }

  private letter(
    packet: IPublishPacket,
    payload: Buffer,
    receivedAt: number,
    reason: ReasonCode,
    message: string,
  ): Message {
    return this.deadLetters.letter({
      source: `mqtt:${packet.topic}`,
      key: packet.topic,
      payload,
      attributes: mqttAttributes(packet),
      receivedAt,
      stage: 'map',
      reason,
      message,
    });
  }

  private match(mqttTopic: string): TopicFields | undefined {
    for (const template of this.settings.topics as TopicTemplate[]) {
      const fields = template.match(mqttTopic);
      if (fields) return fields;
    }
    return undefined;
  }

  /** Retries while Kafka is unavailable (messages stay unacknowledged meanwhile); only stopping ends it. */
  private async deliver(batch: PendingBatch): Promise<void> {
    const untilStopped = {
      retries: Number.POSITIVE_INFINITY,
      // a full buffer clears in milliseconds: a long backoff here would idle the bridge
      maxDelayMs: 2000,
      signal: this.stopping.signal,
      // the publisher reports the outage (health, one warning); a line per retried batch would flood the log
      onRetry: (err: Error) => {
        this.logger.debug(
          { err: describeError(err), events: batch.messages.length },
          'Kafka unavailable; retrying',
        );
      },
    };
    await retry(() => this.publisher.publish(batch.messages), untilStopped);
    await retry(() => this.deadLetters.publish(batch.letters), untilStopped);
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
    await Promise.all([this.publisher.close(deadline), this.deadLetters.close(deadline)]);
    await this.deviceStates?.close();
    await this.ownedPool?.end();
    this.metrics.health(0);
  }

  health(): Health {
    if (!this.client) return { state: 'down', reason: 'not started' };
    if (!this.client.connected)
      return { state: 'down', reason: `MQTT disconnected: ${this.lastError ?? 'reconnecting'}` };
    for (const part of [this.publisher.health(), this.deadLetters.health(), this.deviceStates?.health()]) {
      if (part && part.state !== 'ready') return part;
    }
    return this.lastError ? { state: 'degraded', reason: this.lastError } : { state: 'ready' };
  }
}

const sparkplugContentType = 'application/vnd.sparkplug-b+protobuf';

/** The MQTT context a reading or dead letter carries. */
function mqttAttributes(packet: IPublishPacket): Record<string, string> {
  const attributes: Record<string, string> = {
    [telemetryAttributes.mqttTopic]: packet.topic,
    [telemetryAttributes.mqttQos]: String(packet.qos),
  };
  if (packet.retain) attributes[telemetryAttributes.mqttRetain] = 'true';
  return attributes;
}
