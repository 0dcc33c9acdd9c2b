import type { Kafka, Message } from 'kafkajs';
import {
  AttributeIds,
  ClientMonitoredItem,
  type ClientSession,
  ClientSubscription,
  DataType,
  type DataValue,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from 'node-opcua';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import { retry } from '../../lib/retry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { RawTelemetryPublisher, rawReading } from '../raw-telemetry.ts';
import { type NodeSpec, type OpcuaSettings, opcuaSettings } from './config.ts';

const topic = topics.rawTelemetry.topic;

/** A DataValue's number: numeric types as they are, booleans as 1/0, anything else null (the processor decides). */
function numericOf(dataValue: DataValue): number | null {
  const value: unknown = dataValue.value?.value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** The raw event of one data change: value, source timestamp and status code as the server sent them. */
export function opcuaReading(
  spec: NodeSpec,
  dataValue: DataValue,
  endpoint: string,
  receivedAt: number,
): RawTelemetryReading {
  const sourceTime = dataValue.sourceTimestamp?.toISOString() ?? null;
  const status = dataValue.statusCode;
  const payload = {
    nodeId: spec.nodeId,
    value: {
      dataType: DataType[dataValue.value.dataType],
      arrayType: dataValue.value.arrayType,
      value: dataValue.value.value,
    },
    statusCode: { value: status.value, name: status.name },
    sourceTimestamp: sourceTime,
    sourcePicoseconds: dataValue.sourcePicoseconds,
    serverTimestamp: dataValue.serverTimestamp?.toISOString() ?? null,
  };
  return rawReading(
    {
      source: 'opcua',
      deviceId: spec.deviceId,
      siteId: spec.siteId,
      metric: spec.metric,
      value: numericOf(dataValue),
      unit: spec.unit,
      sourceTime,
      contentType: 'application/vnd.opcua.datavalue+json',
      payload: Buffer.from(JSON.stringify(payload, (_key, v) => (typeof v === 'bigint' ? v.toString() : v))),
      attributes: {
        opcuaEndpoint: endpoint,
        opcuaNodeId: spec.nodeId,
        opcuaStatusCode: status.name,
      },
    },
    receivedAt,
  );
}

/**
 * Subscribes to configured OPC UA nodes (monitored items with their sampling interval) and
 * publishes every data change with its source timestamp and status code. node-opcua reconnects
 * and re-establishes the session and subscription itself; readings that arrive while Kafka is
 * unavailable wait in a bounded buffer.
 */
export class OpcuaClient implements Component {
  readonly name = 'opcua-client';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  readonly settings: OpcuaSettings;
  private readonly publisher: RawTelemetryPublisher;
  private client?: OPCUAClient;
  private session?: ClientSession;
  private subscription?: ClientSubscription;
  private buffer: Message[] = [];
  private flushing?: Promise<void>;
  private readonly stopping = new AbortController();
  private lastError?: string;
  private connected = false;

  constructor(serde: AvroSerde, options: { kafka?: Kafka; settings?: OpcuaSettings } = {}) {
    this.settings = options.settings ?? loadSettings(opcuaSettings);
    this.publisher = new RawTelemetryPublisher(
      options.kafka ?? createKafka(this.name),
      serde,
      this.metrics,
      {
        maxBufferedEvents: this.settings.maxBufferedReadings,
        maxBatchBytes: 900_000,
        sendTimeoutMs: 30_000,
        sendRetries: 5,
      },
      this.name,
    );
  }

  async start(): Promise<void> {
    await this.publisher.connect();
    const client = OPCUAClient.create({
      applicationName: 'sluice-opcua-client',
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { initialDelay: 500, maxDelay: 10_000, maxRetry: 10_000_000 },
    });
    client.on('connection_lost', () => {
      this.connected = false;
      this.lastError = 'connection to the OPC UA server lost; reconnecting';
      this.metrics.health(0.5);
    });
    client.on('connection_reestablished', () => {
      this.connected = true;
      this.lastError = undefined;
      this.metrics.health(1);
    });
    this.client = client;
    await client.connect(this.settings.endpointUrl);
    this.connected = true;
    this.session = await client.createSession();
    const subscription = ClientSubscription.create(this.session, {
      requestedPublishingInterval: this.settings.publishingIntervalMs,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 10_000,
      publishingEnabled: true,
      priority: 10,
    });
    this.subscription = subscription;
    for (const spec of this.settings.nodes) this.monitor(subscription, spec);
    this.metrics.health(1);
    this.logger.info(
      { endpoint: this.settings.endpointUrl, nodes: this.settings.nodes.length },
      'subscribed',
    );
  }

  private monitor(subscription: ClientSubscription, spec: NodeSpec): void {
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: spec.nodeId, attributeId: AttributeIds.Value },
      {
        samplingInterval: spec.samplingIntervalMs ?? this.settings.samplingIntervalMs,
        discardOldest: true,
        queueSize: 100,
      },
      TimestampsToReturn.Both,
    );
    item.on('changed', (dataValue: DataValue) => this.take(spec, dataValue));
    item.on('err', (message: string) => {
      this.lastError = `node ${spec.nodeId}: ${message}`;
      this.metrics.error('monitor', 'ING_CONFIG_INVALID', 'fatal');
      this.logger.error({ nodeId: spec.nodeId, err: message }, 'cannot monitor node');
    });
  }

  private take(spec: NodeSpec, dataValue: DataValue): void {
    this.metrics.received(topic);
    try {
      this.buffer.push(
        this.publisher.encode(opcuaReading(spec, dataValue, this.settings.endpointUrl, Date.now())),
      );
    } catch (err) {
      const error = classifyError(err);
      this.metrics.error('encode', error.code, error.disposition);
      return;
    }
    if (this.buffer.length > this.settings.maxBufferedReadings) {
      // Kafka has been away long: keep the newest, as an OPC UA queue with discardOldest would
      this.buffer.shift();
      this.metrics.error('buffer', 'ING_BACKPRESSURE', 'retriable');
    }
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
    });
  }

  /** Sends what is buffered, batch after batch, retrying while Kafka is unavailable. */
  private async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.buffer.length > 0 && !this.stopping.signal.aborted) {
      const batch = this.buffer.splice(0, 5000);
      try {
        await retry(() => this.publisher.publish(batch), {
          retries: Number.POSITIVE_INFINITY,
          maxDelayMs: 10_000,
          signal: this.stopping.signal,
          onRetry: (err) => {
            this.lastError = describeError(err);
          },
        });
        this.lastError = undefined;
      } catch {
        // stopping: put the batch back so the count of unsent readings stays true in the log
        this.buffer.unshift(...batch);
      }
    }
  }

  async stop(deadline: number): Promise<void> {
    await this.subscription?.terminate().catch(() => {});
    const giveUp = new Promise<void>((resolve) =>
      setTimeout(resolve, Math.max(0, deadline - Date.now())).unref(),
    );
    await Promise.race([this.flushing, giveUp]);
    this.stopping.abort();
    await this.flushing;
    if (this.buffer.length > 0)
      this.logger.warn({ readings: this.buffer.length }, 'stopped with readings not sent');
    await this.session?.close().catch(() => {});
    await this.client?.disconnect();
    await this.publisher.close(deadline);
    this.metrics.health(0);
  }

  health(): Health {
    if (!this.client) return { state: 'down', reason: 'not started' };
    if (!this.connected) return { state: 'down', reason: this.lastError ?? 'disconnected' };
    const publisher = this.publisher.health();
    if (publisher.state !== 'ready') return publisher;
    return this.lastError ? { state: 'degraded', reason: this.lastError } : { state: 'ready' };
  }
}
