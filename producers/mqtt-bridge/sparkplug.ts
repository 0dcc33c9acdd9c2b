import type Long from 'long';
import sparkplugPayload from 'sparkplug-payload';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import type { ReasonCode } from '../../lib/reasons.ts';
import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import { type MetricTable, sluiceMetric } from './sparkplug-metrics.ts';

/**
 * Sparkplug B 3.0 as a host application reads it: topics `spBv1.0/<group>/<type>/<edge node>[/<device>]`,
 * payloads in the Eclipse Tahu protobuf (decoded with the Tahu library's codec of the official
 * sparkplug_b.proto), birth certificates that declare each metric's name, alias, datatype and
 * engineering unit, data that names metrics by alias, deaths, commands and host STATE. Pure: the
 * bridge does the MQTT and Kafka side.
 */

export const sparkplugNamespace = 'spBv1.0';

const { Payload } = sparkplugProto.org.eclipse.tahu.protobuf;
/** Tahu's codec with its conversions (datatype names, values), for what the host application sends. */
export const sparkplugCodec = sparkplugPayload.get(sparkplugNamespace) as NonNullable<
  ReturnType<typeof sparkplugPayload.get>
>;
type ProtoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;
type ProtoMetric = sparkplugProto.org.eclipse.tahu.protobuf.Payload.IMetric;

export const messageTypes = [
  'NBIRTH',
  'NDEATH',
  'DBIRTH',
  'DDEATH',
  'NDATA',
  'DDATA',
  'NCMD',
  'DCMD',
  'STATE',
] as const;
export type MessageType = (typeof messageTypes)[number];

export interface SparkplugTopic {
  type: MessageType;
  group: string;
  /** For STATE, the host application id. */
  edgeNode: string;
  device: string | null;
}

const nodeTypes = new Set<string>(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD']);
const deviceTypes = new Set<string>(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/** The parts of a Sparkplug B topic, or undefined when the topic is not one. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== sparkplugNamespace || parts.some((part) => part === '')) return undefined;
  if (parts[1] === 'STATE' && parts.length === 3) {
    return { type: 'STATE', group: '', edgeNode: parts[2] as string, device: null };
  }
  const [, group, type, edgeNode, device] = parts as [string, string, string, string, string | undefined];
  if (parts.length === 4 && nodeTypes.has(type))
    return { type: type as MessageType, group, edgeNode, device: null };
  if (parts.length === 5 && deviceTypes.has(type)) {
    return { type: type as MessageType, group, edgeNode, device: device as string };
  }
  return undefined;
}

/** Sparkplug B datatypes by number (Tahu's DataType enum). */
const datatypeNames = [
  'Unknown',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'DataSet',
  'Bytes',
  'File',
  'Template',
  'PropertySet',
  'PropertySetList',
];

function datatypeName(datatype: number): string {
  return datatypeNames[datatype] ?? `datatype ${datatype}`;
}

const numericDatatypes = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

function toNumber(value: number | Long | null | undefined, signed = false): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  return signed ? value.toSigned().toNumber() : value.toNumber();
}

/** A metric's value as a number, read by its declared datatype (the payload may omit it in data). */
function numericValue(metric: ProtoMetric, datatype: number): number | null {
  if (metric.isNull) return null;
  const int = metric.intValue;
  switch (datatype) {
    case 1:
      return (((int ?? 0) << 24) >> 24) as number;
    case 2:
      return (((int ?? 0) << 16) >> 16) as number;
    case 3:
      return (int ?? 0) | 0;
    case 5:
    case 6:
    case 7:
      // Tahu's JavaScript writes UInt32 into long_value; the spec says int_value
      return Object.hasOwn(metric, 'intValue') ? (int ?? 0) >>> 0 : toNumber(metric.longValue);
    case 4:
      return toNumber(metric.longValue, true);
    case 8:
      return toNumber(metric.longValue);
    case 9:
      // a Float holds 7 significant digits: 70.1 arrives as 70.0999984741211
      return Number((metric.floatValue ?? 0).toPrecision(7));
    case 10:
      return metric.doubleValue ?? 0;
    case 11:
      return metric.booleanValue ? 1 : 0;
    default:
      return null;
  }
}

/** The engUnit property of a birth's metric, when it has one. */
function engineeringUnit(metric: ProtoMetric): string | null {
  const properties = metric.properties;
  if (!properties?.keys) return null;
  const index = properties.keys.findIndex((key) => /^engunits?$/i.test(key));
  const unit = index >= 0 ? properties.values?.[index]?.stringValue : undefined;
  return unit?.trim() || null;
}

/** What a birth certificate declared of a metric. */
interface MetricDefinition {
  name: string;
  datatype: number;
  unit: string | null;
  /** The Sluice metric, or null when the metric is no reading. */
  metric: string | null;
}

interface DefinedMetrics {
  byAlias: Map<number, MetricDefinition>;
  byName: Map<string, MetricDefinition>;
}

interface EdgeNodeState {
  bdSeq: number | null;
  seq: number;
  metrics: DefinedMetrics;
  devices: Map<string, DefinedMetrics>;
}

export interface SparkplugReading {
  deviceId: string;
  metric: string;
  value: number | null;
  unit: string | null;
  sourceTime: string | null;
  attributes: Record<string, string>;
}

export interface SparkplugRefusal {
  reason: ReasonCode;
  message: string;
}

export type DeviceState = 'online' | 'offline' | 'stale';

export interface DeviceStateChange {
  deviceId: string;
  state: DeviceState;
  reason: MessageType;
}

export interface SparkplugOutcome {
  readings: SparkplugReading[];
  refusals: SparkplugRefusal[];
  states: DeviceStateChange[];
  /** The sequence number was not the one after the edge node's last message. */
  seqGap: boolean;
  /** The edge node should be asked for a new birth (seq gap, data without birth, unknown alias). */
  rebirth: boolean;
  /** An NDEATH whose bdSeq is not the current session's (a will left by an older connection). */
  staleDeath: boolean;
}

function emptyOutcome(): SparkplugOutcome {
  return { readings: [], refusals: [], states: [], seqGap: false, rebirth: false, staleDeath: false };
}

/** `group/edge node[/device]`: how Sluice names a Sparkplug edge node or device. */
export function sparkplugDeviceId(group: string, edgeNode: string, device: string | null): string {
  return device === null ? `${group}/${edgeNode}` : `${group}/${edgeNode}/${device}`;
}

/**
 * The host application's memory of the edge nodes it hears: their birth certificates (metric
 * names, aliases, datatypes, units), session (bdSeq) and last sequence number. Each message turns
 * into readings, refusals (with the reason their dead letter carries) and device state changes.
 */
export class SparkplugHost {
  private readonly nodes = new Map<string, EdgeNodeState>();

  constructor(private readonly table: MetricTable) {}

  /** Edge nodes with a birth certificate on record. */
  get edgeNodes(): number {
    return this.nodes.size;
  }

  handle(topic: SparkplugTopic, payload: Buffer): SparkplugOutcome {
    const outcome = emptyOutcome();
    if (topic.type === 'STATE' || topic.type === 'NCMD' || topic.type === 'DCMD') return outcome;
    let decoded: ProtoPayload;
    try {
      decoded = Payload.decode(payload);
    } catch (err) {
      outcome.refusals.push({
        reason: 'payload_unreadable',
        message: `${topic.type} payload is not a Sparkplug B protobuf payload: ${(err as Error).message}`,
      });
      return outcome;
    }
    const key = `${topic.group}/${topic.edgeNode}`;
    if (topic.type === 'NBIRTH') {
      this.birthOfNode(key, topic, decoded, outcome);
      return outcome;
    }
    const node = this.nodes.get(key);
    if (topic.type === 'NDEATH') {
      this.deathOfNode(key, node, decoded, outcome);
      return outcome;
    }
    if (!node) {
      outcome.rebirth = true;
      outcome.refusals.push({
        reason: 'sparkplug_birth_missing',
        message: `${topic.type} from edge node ${key}, whose NBIRTH was not seen`,
      });
      return outcome;
    }
    this.checkSequence(node, decoded, outcome);
    const deviceId = sparkplugDeviceId(topic.group, topic.edgeNode, topic.device);
    if (topic.type === 'DBIRTH') {
      const defined: DefinedMetrics = { byAlias: new Map(), byName: new Map() };
      node.devices.set(topic.device as string, defined);
      outcome.states.push({ deviceId, state: 'online', reason: 'DBIRTH' });
      this.readMetrics(decoded, defined, true, deviceId, topic, outcome);
    } else if (topic.type === 'DDEATH') {
      node.devices.delete(topic.device as string);
      outcome.states.push({ deviceId, state: 'offline', reason: 'DDEATH' });
    } else {
      const defined = topic.device === null ? node.metrics : node.devices.get(topic.device);
      if (!defined) {
        outcome.rebirth = true;
        outcome.refusals.push({
          reason: 'sparkplug_birth_missing',
          message: `${topic.type} from device ${deviceId}, whose DBIRTH was not seen`,
        });
        return outcome;
      }
      this.readMetrics(decoded, defined, false, deviceId, topic, outcome);
    }
    return outcome;
  }

  private birthOfNode(
    key: string,
    topic: SparkplugTopic,
    decoded: ProtoPayload,
    outcome: SparkplugOutcome,
  ): void {
    // devices of an earlier session are stale until their own new birth
    for (const device of this.nodes.get(key)?.devices.keys() ?? []) {
      outcome.states.push({ deviceId: `${key}/${device}`, state: 'stale', reason: 'NBIRTH' });
    }
    const bdSeq = decoded.metrics.find((metric) => metric.name === 'bdSeq');
    const node: EdgeNodeState = {
      bdSeq: bdSeq ? toNumber(bdSeq.longValue ?? bdSeq.intValue) : null,
      seq: toNumber(decoded.seq),
      metrics: { byAlias: new Map(), byName: new Map() },
      devices: new Map(),
    };
    this.nodes.set(key, node);
    outcome.states.push({ deviceId: key, state: 'online', reason: 'NBIRTH' });
    this.readMetrics(decoded, node.metrics, true, key, topic, outcome);
  }

  private deathOfNode(
    key: string,
    node: EdgeNodeState | undefined,
    decoded: ProtoPayload,
    outcome: SparkplugOutcome,
  ): void {
    const bdSeqMetric = decoded.metrics.find((metric) => metric.name === 'bdSeq');
    const bdSeq = bdSeqMetric ? toNumber(bdSeqMetric.longValue ?? bdSeqMetric.intValue) : null;
    if (node && node.bdSeq !== null && bdSeq !== null && bdSeq !== node.bdSeq) {
      outcome.staleDeath = true;
      return;
    }
    outcome.states.push({ deviceId: key, state: 'offline', reason: 'NDEATH' });
    for (const device of node?.devices.keys() ?? []) {
      outcome.states.push({ deviceId: `${key}/${device}`, state: 'stale', reason: 'NDEATH' });
    }
    this.nodes.delete(key);
  }

  private checkSequence(node: EdgeNodeState, decoded: ProtoPayload, outcome: SparkplugOutcome): void {
    if (!Object.hasOwn(decoded, 'seq')) return;
    const seq = toNumber(decoded.seq);
    if (seq !== (node.seq + 1) % 256) {
      outcome.seqGap = true;
      outcome.rebirth = true;
    }
    node.seq = seq;
  }

  /** Births define the metrics they carry; data resolves them by alias or name. Both carry values. */
  private readMetrics(
    decoded: ProtoPayload,
    defined: DefinedMetrics,
    birth: boolean,
    deviceId: string,
    topic: SparkplugTopic,
    outcome: SparkplugOutcome,
  ): void {
    const unknown: string[] = [];
    const unsupported: string[] = [];
    const payloadTime = Object.hasOwn(decoded, 'timestamp') ? toNumber(decoded.timestamp) : null;
    const seq = Object.hasOwn(decoded, 'seq') ? String(toNumber(decoded.seq)) : undefined;
    for (const metric of decoded.metrics) {
      const alias = Object.hasOwn(metric, 'alias') ? toNumber(metric.alias) : null;
      let definition: MetricDefinition | undefined;
      if (birth && metric.name) {
        definition = {
          name: metric.name,
          datatype: metric.datatype ?? 0,
          unit: engineeringUnit(metric),
          metric: sluiceMetric(this.table, metric.name),
        };
        defined.byName.set(metric.name, definition);
        if (alias !== null) defined.byAlias.set(alias, definition);
      } else {
        definition = metric.name ? defined.byName.get(metric.name) : undefined;
        definition ??= alias === null ? undefined : defined.byAlias.get(alias);
      }
      if (!definition) {
        unknown.push(metric.name || `alias ${alias}`);
        continue;
      }
      if (definition.metric === null) continue;
      if (!numericDatatypes.has(definition.datatype)) {
        unsupported.push(`${definition.name} (${datatypeName(definition.datatype)})`);
        continue;
      }
      const time = Object.hasOwn(metric, 'timestamp') ? toNumber(metric.timestamp) : payloadTime;
      const attributes: Record<string, string> = {
        [telemetryAttributes.sparkplugMetric]: definition.name,
        [telemetryAttributes.sparkplugDatatype]: datatypeName(definition.datatype),
      };
      if (seq !== undefined) attributes[telemetryAttributes.sparkplugSeq] = seq;
      outcome.readings.push({
        deviceId,
        metric: definition.metric,
        value: numericValue(metric, definition.datatype),
        unit: definition.unit,
        sourceTime: time === null ? null : String(time),
        attributes,
      });
    }
    if (unknown.length > 0) {
      outcome.rebirth = true;
      outcome.refusals.push({
        reason: 'sparkplug_alias_unknown',
        message: `${topic.type} of ${deviceId} names metrics its birth certificate did not declare: ${unknown.join(', ')}`,
      });
    }
    if (unsupported.length > 0) {
      outcome.refusals.push({
        reason: 'sparkplug_type_unsupported',
        message: `${topic.type} of ${deviceId} holds metrics that are no number: ${unsupported.join(', ')}`,
      });
    }
  }
}

/** The NCMD that asks an edge node to publish its births again (Node Control/Rebirth = true). */
export function rebirthRequest(
  group: string,
  edgeNode: string,
  now: number,
): { topic: string; payload: Buffer } {
  return {
    topic: `${sparkplugNamespace}/${group}/NCMD/${edgeNode}`,
    payload: Buffer.from(
      sparkplugCodec.encodePayload({
        timestamp: now,
        metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
      }),
    ),
  };
}
