import type { DedupeWindow } from './dedupe.ts';

/** Where a raw record was read from; stages use the timestamp (never the wall clock) so replays agree. */
export interface RecordMeta {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka record timestamp, epoch milliseconds. */
  timestamp: number;
}

/** Why a stage refused an event: it goes to the DLQ with these as headers and envelope fields. */
export interface Rejection {
  stage: string;
  /** snake_case reason, e.g. value_not_finite, unit_unknown; a DLQ metric label. */
  code: string;
  message: string;
}

/** A stage either hands its result to the next stage or rejects the event. */
export type StageResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export function accept<T>(value: T): StageResult<T> {
  return { ok: true, value };
}

export function reject<T = never>(stage: string, code: string, message: string): StageResult<T> {
  return { ok: false, rejection: { stage, code, message } };
}

export type Outcome<Out> =
  | { kind: 'output'; key: string; value: Out }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'duplicate'; eventId: string };

/**
 * What a processor does to one decoded event: pure apart from the dedupe window, which the
 * runner owns per partition and rebuilds on assignment by replaying the partition's tail.
 */
export interface Pipeline<In, Out> {
  /** Component name (metrics, logs, DLQ envelope). */
  readonly component: string;
  process(event: In, meta: RecordMeta, window: DedupeWindow): Outcome<Out>;
}
