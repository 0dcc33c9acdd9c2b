import type { Disposition, ErrorCode, SluiceError } from './errors.ts';

/**
 * The one vocabulary of reasons Sluice gives for refusing something: per-reading answers of the
 * HTTP gateway and the file import, request-level HTTP errors, the `dlq.reason` header and
 * envelope field, the `reason` label of the rejection and DLQ metrics, and docs/reasons.md
 * (`sluice reasons --markdown`). Each reason has a kind, as errors do: poison (this input can
 * never succeed as it is), retriable (try again later) or fatal (the sender's setup is wrong).
 */
interface ReasonDefinition {
  kind: Disposition;
  /** Who gives it: validation (gateway, file import and processor alike), a transport, a stage. */
  by: string;
  means: string;
}

const validation = 'validation';

export const reasons = {
  // one reading, checked by the validation stage wherever it runs
  field_missing: {
    kind: 'poison',
    by: validation,
    means: 'a required field (deviceId, metric; for prices the provider fields) is absent or empty',
  },
  id_invalid: {
    kind: 'poison',
    by: validation,
    means: 'an id or metric name is too long or has characters outside the allowed set',
  },
  reading_malformed: {
    kind: 'poison',
    by: validation,
    means: 'the item is not a JSON object, is malformed JSON, or is a CSV row that does not fit its header',
  },
  invalid_utf8: {
    kind: 'poison',
    by: validation,
    means: 'a text field was decoded from invalid UTF-8; the message names the field and the byte offset',
  },
  payload_too_large: { kind: 'poison', by: validation, means: 'the reading is larger than allowed' },
  attributes_too_large: {
    kind: 'poison',
    by: validation,
    means: 'too many transport attributes, or one too long',
  },
  value_missing: { kind: 'poison', by: validation, means: 'the reading holds no numeric value' },
  value_not_finite: {
    kind: 'poison',
    by: validation,
    means: 'the value is NaN or infinite (also a number too large for a double, such as 1e999)',
  },
  unit_unknown: { kind: 'poison', by: validation, means: 'the unit is not in the unit table' },
  unit_missing: {
    kind: 'poison',
    by: validation,
    means: 'no unit, and the metric is not one whose unit Sluice can assume',
  },
  unit_mismatch: {
    kind: 'poison',
    by: validation,
    means: 'the unit measures another quantity than the metric (temperature in psi)',
  },
  value_out_of_range: {
    kind: 'poison',
    by: validation,
    means: 'the value is physically implausible for its metric (below absolute zero, humidity over 100 %)',
  },
  time_invalid: {
    kind: 'poison',
    by: 'validation, pricing processor',
    means:
      'the source time is neither epoch s/ms/µs/ns nor ISO-8601 with an offset, or no real date; a price effective outside 1970–2106, which the stores cannot hold',
  },
  time_in_future: {
    kind: 'poison',
    by: validation,
    means: 'the source time is further ahead of the receive time than TELEMETRY_MAX_FUTURE_SKEW_MS',
  },
  time_too_old: {
    kind: 'poison',
    by: validation,
    means: 'the source time is before TELEMETRY_MIN_SOURCE_TIME (a clock reset to 1970)',
  },
  bad_status: {
    kind: 'poison',
    by: validation,
    means: 'the OPC UA status code of the value is Bad (the message names the status)',
  },
  // a message a producer received that maps to no reading (dead-lettered by the producer)
  topic_unmapped: {
    kind: 'poison',
    by: 'MQTT bridge',
    means: 'a message on a subscribed topic that matches no topic template',
  },
  payload_unreadable: {
    kind: 'poison',
    by: 'MQTT bridge',
    means:
      'a payload that is neither a JSON object nor a number, or a Sparkplug B payload that does not decode',
  },
  sparkplug_type_unsupported: {
    kind: 'poison',
    by: 'MQTT bridge',
    means: 'Sparkplug B metrics whose datatype is no number (String, DataSet, Template, Bytes, …)',
  },
  sparkplug_birth_missing: {
    kind: 'poison',
    by: 'MQTT bridge',
    means: 'Sparkplug B data from an edge node or device whose birth certificate was not seen',
  },
  sparkplug_alias_unknown: {
    kind: 'poison',
    by: 'MQTT bridge',
    means: 'Sparkplug B metrics whose alias or name the birth certificate did not declare',
  },
  read_failed: {
    kind: 'poison',
    by: 'OPC UA client, Modbus poller',
    means: 'the server refused to read a configured node or register (unknown node, illegal address)',
  },
  // pricing stages
  item_not_json: { kind: 'poison', by: 'pricing processor', means: 'the price item is not a JSON object' },
  item_shape: {
    kind: 'poison',
    by: 'pricing processor',
    means: 'an AWS item is not a PriceList element holding one term with one price dimension',
  },
  price_type_unknown: {
    kind: 'poison',
    by: 'pricing processor',
    means: 'the price or term type is not one Sluice knows',
  },
  currency_unknown: {
    kind: 'poison',
    by: 'pricing processor',
    means: 'no USD rate for the currency (PROCESSOR_PRICING_USD_RATES)',
  },
  price_invalid: {
    kind: 'poison',
    by: 'pricing processor',
    means: 'the price is not a non-negative decimal, or exceeds decimal(38,12), as the stores hold prices',
  },
  term_unknown: {
    kind: 'poison',
    by: 'pricing processor',
    means: 'a reservation or savings plan term is not N Year(s) or Nyr',
  },
  // what the runner, the sinks and the collectors refuse
  serde_invalid: {
    kind: 'poison',
    by: 'processors, sinks',
    means:
      'the bytes are no Avro event of the topic (garbage, wrong magic byte, truncated), or a value does not fit the schema',
  },
  schema_unknown: {
    kind: 'poison',
    by: 'processors, sinks',
    means: 'the event names a schema id the registry does not hold',
  },
  row_rejected: {
    kind: 'poison',
    by: 'sinks',
    means:
      'the sink cannot store the event: the database refused the row, or a value does not fit its column',
  },
  page_invalid: { kind: 'poison', by: 'pricing collectors', means: 'a price list page that cannot be read' },
  unclassified: {
    kind: 'poison',
    by: 'any',
    means: 'a poison error no reason above describes; the message says what happened',
  },
  // a whole HTTP request
  malformed_json: {
    kind: 'poison',
    by: 'HTTP gateway',
    means: 'the JSON body is malformed; the answer gives byte position, line and column',
  },
  json_too_deep: { kind: 'poison', by: 'HTTP gateway', means: 'the JSON nests deeper than allowed' },
  malformed_csv: { kind: 'poison', by: 'HTTP gateway', means: 'the CSV body cannot be read' },
  too_many_items: { kind: 'poison', by: 'HTTP gateway', means: 'more readings in one request than allowed' },
  body_too_large: { kind: 'poison', by: 'HTTP gateway', means: 'the body is larger than allowed' },
  invalid_idempotency_key: {
    kind: 'poison',
    by: 'HTTP gateway',
    means: 'the Idempotency-Key header is not a valid id (A-Z a-z 0-9 . _ : @ -, at most 100 characters)',
  },
  bad_request: { kind: 'poison', by: 'HTTP gateway', means: 'the request cannot be read as HTTP' },
  unsupported_media_type: {
    kind: 'fatal',
    by: 'HTTP gateway',
    means: 'the Content-Type is not accepted by the route',
  },
  unauthenticated: { kind: 'fatal', by: 'HTTP gateway', means: 'no API key, or an unknown or revoked one' },
  forbidden: { kind: 'fatal', by: 'HTTP gateway', means: 'the API key lacks the role the route needs' },
  not_found: { kind: 'fatal', by: 'HTTP gateway', means: 'no such route' },
  busy: {
    kind: 'retriable',
    by: 'HTTP gateway',
    means: 'too many readings wait for Kafka; nothing of the request was accepted, retry after Retry-After',
  },
  unavailable: {
    kind: 'retriable',
    by: 'HTTP gateway',
    means:
      'Kafka or the database is unavailable; nothing of the request was accepted, retry after Retry-After',
  },
  internal_error: { kind: 'fatal', by: 'HTTP gateway', means: 'a programming error; the message says which' },
} as const satisfies Record<string, ReasonDefinition>;

export type ReasonCode = keyof typeof reasons;

/** A refusal of one thing: the reason code and a message a person can act on. */
export interface Refusal {
  reason: ReasonCode;
  message: string;
}

/** The reason a dead letter of a poison error carries (errors keep their ING_ codes in logs and metrics). */
const errorReasons: Partial<Record<ErrorCode, ReasonCode>> = {
  ING_SERDE_INVALID: 'serde_invalid',
  ING_SERDE_UNKNOWN_SCHEMA: 'schema_unknown',
  ING_DB_REJECTED: 'row_rejected',
  // raised by the sinks' writers for a value their columns cannot hold
  ING_VALIDATION_FAILED: 'row_rejected',
  ING_PRICING_PAGE_INVALID: 'page_invalid',
};

export function reasonOfError(error: SluiceError): ReasonCode {
  return errorReasons[error.code] ?? 'unclassified';
}

/** The reasons as the Markdown table of docs/reasons.md. */
export function reasonsMarkdown(): string {
  const rows = Object.entries(reasons).map(
    ([code, { kind, by, means }]) => `| \`${code}\` | ${kind} | ${by} | ${means} |`,
  );
  return ['| reason | kind | given by | means |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

/** Why a stage refused an event: it goes to the DLQ with these as headers and envelope fields. */
export interface Rejection {
  stage: string;
  code: ReasonCode;
  message: string;
}

/** A stage either hands its result to the next stage or rejects the event. */
export type StageResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export function accept<T>(value: T): StageResult<T> {
  return { ok: true, value };
}

export function reject<T = never>(stage: string, code: ReasonCode, message: string): StageResult<T> {
  return { ok: false, rejection: { stage, code, message } };
}
