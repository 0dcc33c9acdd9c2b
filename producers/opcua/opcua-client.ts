import type { Kafka, Message } from 'kafkajs';
import {
  AttributeIds,
  ClientMonitoredItem,
  type ClientSession,
  ClientSubscription,
  DataType,
  type DataValue,
  type EUInformation,
  MessageSecurityMode,
  OPCUAClient,
  readUAAnalogItem,
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
import { findUnitByUneceCode } from '../../lib/telemetry/units.ts';
import { topics } from '../../schemas/catalog.ts';
import { rawReading } from '../../schemas/raw-telemetry-reading.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { TransportDeadLetters } from '../dead-letters.ts';
import { RawTelemetryPublisher } from '../raw-telemetry.ts';
import { type NodeSpec, type OpcuaSettings, opcuaSettings } from './config.ts';

const topic = topics.rawTelemetry.topic;

/** A DataValue's number: numeric types as they are, booleans as 1/0, anything else null (the processor decides). */
function numericOf(dataValue: DataValue): number | null {
  const value: unknown = dataValue.value?.value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** What a node's EngineeringUnits say: the Sluice unit of its UNECE code, else its display name. */
export interface NodeUnit {
  unit: string;
  /** `<UNECE code> <display name>` as the server gave them, kept as an attribute. */
  engineeringUnits?: string;
}

/** The UN/CEFACT common code an EUInformation.unitId encodes, one character per byte (CEL = 0x43454C). */
export function uneceCode(unitId: number): string {
  let code = '';
  for (let shift = 24; shift >= 0; shift -= 8) {
    const byte = (unitId >>> shift) & 0xff;
    if (byte !== 0) code += String.fromCharCode(byte);
  }
  return code;
}

/**
 * The unit of a node's EngineeringUnits: the unit table's entry for its UNECE code, or, for a code
 * the table lacks, the display name as sent (validation then rejects it as unit_unknown, naming it).
 */
export function unitOfEngineeringUnits(information: EUInformation): NodeUnit | undefined {
  const code = information.unitId > 0 ? uneceCode(information.unitId) : '';
  const displayName = information.displayName?.text ?? '';
  const known = code ? findUnitByUneceCode(code) : undefined;
  const unit = known?.symbol ?? (displayName || code);
  if (!unit) return undefined;
  return { unit, engineeringUnits: `${code || '-'} ${displayName}`.trim() };
}

/** An OPC UA StatusCode as 0x and eight hex digits: its severity sits in the top two bits. */
export function statusCodeHex(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * The raw event of one data change: value, status code, source and server timestamps as the server
 * sent them. The reading's time is the source timestamp (the server's when the source gave none).
 */
export function opcuaReading(
  spec: NodeSpec,
  dataValue: DataValue,
  endpoint: string,
  receivedAt: number,
  nodeUnit?: NodeUnit,
): RawTelemetryReading {
  const serverTime = dataValue.serverTimestamp?.toISOString() ?? null;
  const sourceTime = dataValue.sourceTimestamp?.toISOString() ?? serverTime;
  const status = dataValue.statusCode;
  const attributes: Record<string, string> = {
    [telemetryAttributes.opcuaEndpoint]: endpoint,
    [telemetryAttributes.opcuaNodeId]: spec.nodeId,
    [telemetryAttributes.opcuaStatusCode]: statusCodeHex(status.value),
    [telemetryAttributes.opcuaStatusName]: status.name,
  };
  if (serverTime) attributes[telemetryAttributes.opcuaServerTimestamp] = serverTime;
  if (!spec.unit && nodeUnit?.engineeringUnits) {
    attributes[telemetryAttributes.opcuaEngineeringUnits] = nodeUnit.engineeringUnits;
  }
  const payload = {
    nodeId: spec.nodeId,
    value: {
      dataType: DataType[dataValue.value.dataType],
      arrayType: dataValue.value.arrayType,
      value: dataValue.value.value,
    },
    statusCode: { value: status.value, name: status.name },
    sourceTimestamp: dataValue.sourceTimestamp?.toISOString() ?? null,
    sourcePicoseconds: dataValue.sourcePicoseconds,
    serverTimestamp: serverTime,
    serverPicoseconds: dataValue.serverPicoseconds,
  };
  return rawReading(
    {
      source: 'opcua',
      deviceId: spec.deviceId,
      siteId: spec.siteId,
      metric: spec.metric,
      value: numericOf(dataValue),
      unit: spec.unit ?? nodeUnit?.unit,
      sourceTime,
      contentType: 'application/vnd.opcua.datavalue+json',
      payload: Buffer.from(JSON.stringify(payload, (_key, v) => (typeof v === 'bigint' ? v.toString() : v))),
      attributes,
    },
    receivedAt,
  );
}

/**
 * Subscribes to configured OPC UA nodes (monitored items with their sampling interval) and
 * publishes every data change with its timestamps and status code; a node configured without a
 * unit takes the unit of its EngineeringUnits property. A node the server refuses to monitor is
 * dead-lettered (read_failed). node-opcua reconnects and re-establishes the session and
 * subscription itself; readings that arrive while Kafka is unavailable wait in a bounded buffer.
 */
export class OpcuaClient implements Component {
  readonly name = 'opcua-client';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  readonly settings: OpcuaSettings;
  private readonly publisher: RawTelemetryPublisher;
  private readonly deadLetters: TransportDeadLetters;
  private readonly units = new Map<string, NodeUnit>();
  private client?: OPCUAClient;
  private session?: ClientSession;
  private subscription?: ClientSubscription;
  private buffer: Message[] = [];
  private readonly pendingLetters = new Set<Promise<void>>();
  private flushing?: Promise<void>;
  private readonly stopping = new AbortController();
  private lastError?: string;
  private connected = false;

  constructor(serde: AvroSerde, options: { kafka?: Kafka; settings?: OpcuaSettings } = {}) {
    this.settings = options.settings ?? loadSettings(opcuaSettings);
    const kafka = options.kafka ?? createKafka(this.name);
    this.deadLetters = new TransportDeadLetters(kafka, serde, this.metrics, this.name);
    this.publisher = new RawTelemetryPublisher(
      kafka,
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
    await Promise.all([this.publisher.connect(), this.deadLetters.connect()]);
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
    for (const spec of this.settings.nodes) {
      if (!spec.unit) await this.readEngineeringUnits(this.session, spec);
    }
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

  /** The unit of a node configured without one, from its EngineeringUnits property (when it has one). */
  private async readEngineeringUnits(session: ClientSession, spec: NodeSpec): Promise<void> {
    try {
      // typed as a Variant, but node-opcua hands out the Variant's value: the EUInformation itself
      const engineeringUnits = (await readUAAnalogItem(session, spec.nodeId))
        .engineeringUnits as unknown as EUInformation | null;
      const nodeUnit = engineeringUnits ? unitOfEngineeringUnits(engineeringUnits) : undefined;
      if (nodeUnit) this.units.set(spec.nodeId, nodeUnit);
      this.logger.info({ nodeId: spec.nodeId, ...nodeUnit }, 'unit from EngineeringUnits');
    } catch (err) {
      this.logger.warn({ nodeId: spec.nodeId, err: describeError(err) }, 'cannot read EngineeringUnits');
    }
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
      this.deadLetter(spec, message);
    });
  }

  /** A node the server refuses to read leaves a dead letter naming it (once per refusal). */
  private deadLetter(spec: NodeSpec, message: string): void {
    const endpoint = this.settings.endpointUrl;
    const letter = this.deadLetters.letter({
      source: `opcua:${endpoint}#${spec.nodeId}`,
      key: spec.deviceId,
      payload: Buffer.from(JSON.stringify({ node: spec, error: message })),
      attributes: {
        [telemetryAttributes.opcuaEndpoint]: endpoint,
        [telemetryAttributes.opcuaNodeId]: spec.nodeId,
      },
      receivedAt: Date.now(),
      stage: 'monitor',
      reason: 'read_failed',
      message: `the server refuses to monitor node ${spec.nodeId} (device ${spec.deviceId}, metric ${spec.metric}): ${message}`,
    });
    const sending = retry(() => this.deadLetters.publish([letter]), {
      retries: Number.POSITIVE_INFINITY,
      maxDelayMs: 10_000,
      signal: this.stopping.signal,
    }).catch(() => this.logger.warn({ nodeId: spec.nodeId }, 'stopped before its dead letter was sent'));
    this.pendingLetters.add(sending);
    void sending.finally(() => this.pendingLetters.delete(sending));
  }

  private take(spec: NodeSpec, dataValue: DataValue): void {
    this.metrics.received(topic);
    try {
      this.buffer.push(
        this.publisher.encode(
          opcuaReading(spec, dataValue, this.settings.endpointUrl, Date.now(), this.units.get(spec.nodeId)),
        ),
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
    await Promise.race([Promise.all([this.flushing, ...this.pendingLetters]), giveUp]);
    this.stopping.abort();
    await Promise.all([this.flushing, ...this.pendingLetters]);
    if (this.buffer.length > 0)
      this.logger.warn({ readings: this.buffer.length }, 'stopped with readings not sent');
    await this.session?.close().catch(() => {});
    await this.client?.disconnect();
    await Promise.all([this.publisher.close(deadline), this.deadLetters.close(deadline)]);
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
