import { telemetryAttributes } from '../../schemas/telemetry-attributes.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { accept, reject, type StageResult } from '../reasons.ts';
import { invalidUtf8Offset } from '../utf8.ts';
import { findMetric, isKnownMetric, type MetricDefinition } from './metric-names.ts';
import type { ValidationSettings } from './settings.ts';
import { parseSourceTime } from './source-time.ts';
import { baseUnits, findUnit, toBase, type UnitDefinition } from './units.ts';

/**
 * The validation stage: pure, and the one code path every telemetry input passes. The HTTP gateway
 * and the file import run it to answer each reading with the reason the DLQ would carry; the
 * telemetry processor runs it again as the authority.
 */

/** A reading that passed every check, with what the checks parsed (so later stages need not again). */
export interface ValidatedReading {
  raw: RawTelemetryReading;
  value: number;
  /** The unit as sent; for a known metric sent without unit, its base unit (flag unit_missing). */
  unit: UnitDefinition;
  metric: MetricDefinition;
  /** UTC epoch ms: the device time, or receivedAt when the device sent none. */
  sourceTime: number;
  flags: string[];
}

const stage = 'validate';

/**
 * Ids reach SQL, URLs, file names and dashboards: letters, digits and . _ : @ - only, in
 * /-separated segments (Sparkplug B devices are group/edge node/device) that each start with a
 * letter or digit, so no segment is `.` or `..`.
 */
export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]*(?:\/[A-Za-z0-9][A-Za-z0-9._:@-]*)*$/;
const metricPattern = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
/** The one limits table: what validation allows, wherever it runs. */
export const telemetryLimits = {
  id: 128,
  metric: 64,
  unit: 32,
  attributes: 64,
  attributeKey: 128,
  attributeValue: 1024,
} as const;
const limits = telemetryLimits;

/** Shows an offending value safely in a DLQ message: JSON-escaped and cut short. */
function shown(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

/** Why an id is refused, or undefined when it is fine (no result object on the hot path). */
function idRejection(field: string, value: string | null, required: boolean): StageResult<never> | undefined {
  if (value === null || value === '') {
    return required ? reject(stage, 'field_missing', `${field} is missing`) : undefined;
  }
  if (value.length > limits.id) {
    return reject(stage, 'id_invalid', `${field} is ${value.length} characters long (at most ${limits.id})`);
  }
  if (!idPattern.test(value)) {
    return reject(
      stage,
      'id_invalid',
      `${field} ${shown(value)} has characters outside A-Z a-z 0-9 . _ : @ - (or / between segments starting with a letter or digit)`,
    );
  }
  return undefined;
}

/** True when the attributes stay within their limits (counted in place: no entries array per reading). */
function attributesWithinLimits(attributes: Record<string, string>): boolean {
  let count = 0;
  for (const key in attributes) {
    count += 1;
    const value = attributes[key] as string;
    if (
      count > limits.attributes ||
      key.length > limits.attributeKey ||
      value.length > limits.attributeValue
    ) {
      return false;
    }
  }
  return true;
}

type StatusSeverity = 'good' | 'uncertain' | 'bad';

/** OPC UA StatusCode severity: the top two bits (00 good, 01 uncertain, 1x bad), or the name's prefix. */
export function opcuaSeverity(statusCode: string): StatusSeverity {
  const text = statusCode.trim();
  if (/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(text)) {
    const bits = Number(text) >>> 30;
    return bits === 0 ? 'good' : bits === 1 ? 'uncertain' : 'bad';
  }
  if (/^good/i.test(text)) return 'good';
  if (/^uncertain/i.test(text)) return 'uncertain';
  return 'bad';
}

const textFields = ['deviceId', 'siteId', 'metric', 'unit', 'sourceTime', 'messageId'] as const;

/**
 * A text field that holds U+FFFD because the producer decoded invalid UTF-8 in the original:
 * refused naming the field and the byte offset in the payload (the original stays verbatim in the
 * DLQ). Only a field that holds U+FFFD costs a scan of the payload.
 */
function invalidUtf8Rejection(raw: RawTelemetryReading): StageResult<never> | undefined {
  for (const field of textFields) {
    if (!raw[field]?.includes('\uFFFD')) continue;
    const offset = invalidUtf8Offset(raw.payload);
    if (offset < 0) return undefined;
    return reject(
      stage,
      'invalid_utf8',
      `${field} is not valid UTF-8: the payload has an invalid byte 0x${(raw.payload[offset] as number).toString(16).padStart(2, '0')} at offset ${offset}`,
    );
  }
  return undefined;
}

export function validate(
  raw: RawTelemetryReading,
  settings: ValidationSettings,
): StageResult<ValidatedReading> {
  const flags: string[] = [];
  const encodingProblem = invalidUtf8Rejection(raw);
  if (encodingProblem) return encodingProblem;
  const idProblem =
    idRejection('eventId', raw.eventId, true) ??
    idRejection('deviceId', raw.deviceId, true) ??
    idRejection('siteId', raw.siteId, false) ??
    idRejection('messageId', raw.messageId, false);
  if (idProblem) return idProblem;
  if (raw.metric === '') return reject(stage, 'field_missing', 'metric is missing');
  if (raw.metric.length > limits.metric || !metricPattern.test(raw.metric)) {
    return reject(
      stage,
      'id_invalid',
      `metric ${shown(raw.metric)} must be at most ${limits.metric} of A-Z a-z 0-9 space . _ -`,
    );
  }
  if (raw.payload.length > settings.maxPayloadBytes) {
    return reject(
      stage,
      'payload_too_large',
      `payload is ${raw.payload.length} bytes (at most ${settings.maxPayloadBytes})`,
    );
  }
  if (!attributesWithinLimits(raw.attributes)) {
    return reject(
      stage,
      'attributes_too_large',
      `attributes exceed ${limits.attributes} entries, ${limits.attributeKey}-character keys or ${limits.attributeValue}-character values`,
    );
  }

  const statusCode = raw.attributes[telemetryAttributes.opcuaStatusCode];
  if (statusCode !== undefined) {
    const severity = opcuaSeverity(statusCode);
    if (severity === 'bad' && settings.opcuaBadStatus === 'reject') {
      const name = raw.attributes[telemetryAttributes.opcuaStatusName];
      const status = name ? `${name} (${statusCode})` : statusCode;
      return reject(stage, 'bad_status', `OPC UA status ${shown(status)} is Bad`);
    }
    if (severity !== 'good') flags.push(`${severity}_status`);
  }

  if (raw.value === null) return reject(stage, 'value_missing', 'the payload held no numeric value');
  if (!Number.isFinite(raw.value)) {
    return reject(stage, 'value_not_finite', `value ${raw.value} is not a finite number`);
  }

  let unit: UnitDefinition | undefined;
  let metric: MetricDefinition | undefined;
  if (raw.unit === null || raw.unit.trim() === '') {
    if (!isKnownMetric(raw.metric)) {
      return reject(
        stage,
        'unit_missing',
        `metric ${shown(raw.metric)} is not a known metric and has no unit`,
      );
    }
    metric = findMetric(raw.metric);
    unit = metric ? findUnit(baseUnits[metric.quantity]) : undefined;
    flags.push('unit_missing');
  } else {
    if (raw.unit.length > limits.unit) {
      return reject(stage, 'unit_unknown', `unit is longer than ${limits.unit} characters`);
    }
    unit = findUnit(raw.unit);
    if (!unit) {
      const engineeringUnits = raw.attributes[telemetryAttributes.opcuaEngineeringUnits];
      const origin = engineeringUnits
        ? ` (the node's OPC UA EngineeringUnits ${shown(engineeringUnits)}: set its unit in OPCUA_NODES)`
        : '';
      return reject(stage, 'unit_unknown', `unit ${shown(raw.unit)} is not in the unit table${origin}`);
    }
    metric = findMetric(raw.metric, unit.quantity);
  }
  if (!metric || !unit) return reject(stage, 'id_invalid', `metric ${shown(raw.metric)} has no usable name`);
  if (metric.quantity !== unit.quantity) {
    return reject(
      stage,
      'unit_mismatch',
      `${metric.name} is a ${metric.quantity} but ${unit.symbol} measures ${unit.quantity}`,
    );
  }
  const base = toBase(raw.value, unit);
  if (base < metric.min || base > metric.max) {
    const baseUnit = baseUnits[metric.quantity];
    const bound = base < metric.min ? `below ${metric.min}` : `above ${metric.max}`;
    const detail = metric.quantity === 'temperature' && base < metric.min ? ' (absolute zero)' : '';
    return reject(
      stage,
      'value_out_of_range',
      `${metric.name} ${raw.value} ${unit.symbol} = ${Number(base.toPrecision(6))} ${baseUnit} is ${bound} ${baseUnit}${detail}`,
    );
  }

  let sourceTime = raw.receivedAt;
  if (raw.sourceTime === null) flags.push('no_source_time');
  else {
    const parsed = parseSourceTime(raw.sourceTime);
    if (!parsed.ok)
      return reject(stage, 'time_invalid', `sourceTime ${shown(raw.sourceTime)} ${parsed.reason}`);
    sourceTime = parsed.epochMs;
  }
  const ahead = sourceTime - raw.receivedAt;
  if (ahead > settings.maxFutureSkewMs) {
    return reject(
      stage,
      'time_in_future',
      `sourceTime is ${Math.round(ahead / 1000)} s ahead of the receive time (at most ${settings.maxFutureSkewMs / 1000} s)`,
    );
  }
  if (ahead > settings.clockSkewFlagMs) flags.push('clock_skew');
  if (sourceTime < settings.minSourceTime) {
    return reject(
      stage,
      'time_too_old',
      `sourceTime ${new Date(sourceTime).toISOString()} is before ${new Date(settings.minSourceTime).toISOString()}`,
    );
  }
  return accept({ raw, value: raw.value, unit, metric, sourceTime, flags });
}
