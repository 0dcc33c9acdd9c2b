import { classifyError, type SluiceError } from '../../lib/errors.ts';
import { reasonOfError } from '../../lib/reasons.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import type { Pipeline, RecordMeta, Rejection } from './pipeline.ts';

/**
 * One raw record through decode → stages → encode, before the dedupe window: an encoded output,
 * or a rejection. A rejection made after the stages (by the encoder) keeps the event id, since
 * the window decides first whether the event is a duplicate at all.
 */
export type Evaluated =
  | { kind: 'output'; eventId: string; key: string; value: Buffer; notes?: string[] }
  | { kind: 'rejected'; rejection: Rejection; eventId?: string };

/** Decodes a raw record, runs the pipeline on it and encodes its output for the output topic. */
export class RecordEvaluator<In, Out> {
  constructor(
    private readonly pipeline: Pipeline<In, Out>,
    private readonly serde: AvroSerde,
    private readonly outputTopic: string,
  ) {}

  /** Synchronous on the hot path; undefined when the writer schema must first be fetched. */
  evaluateSync(value: Buffer | null, meta: RecordMeta): Evaluated | undefined {
    let event: In;
    try {
      event = this.serde.decodeSync<In>(meta.topic, value).value;
    } catch (err) {
      if ((err as SluiceError).code === 'ING_SERDE_UNKNOWN_SCHEMA') return undefined;
      return decodeRejection(err);
    }
    return this.stages(event, meta);
  }

  async evaluateSlowly(value: Buffer | null, meta: RecordMeta): Promise<Evaluated> {
    let event: In;
    try {
      event = (await this.serde.decode<In>(meta.topic, value)).value;
    } catch (err) {
      return decodeRejection(err);
    }
    return this.stages(event, meta);
  }

  private stages(event: In, meta: RecordMeta): Evaluated {
    const outcome = this.pipeline.process(event, meta);
    if (outcome.kind === 'rejected') return outcome;
    try {
      return {
        kind: 'output',
        eventId: outcome.eventId,
        key: outcome.key,
        value: this.serde.encode(this.outputTopic, outcome.value),
        notes: outcome.notes,
      };
    } catch (err) {
      const error = classifyError(err);
      if (error.disposition !== 'poison') throw error;
      return {
        kind: 'rejected',
        eventId: outcome.eventId,
        rejection: { stage: 'encode', code: reasonOfError(error), message: error.message },
      };
    }
  }
}

/** Poison decode errors reject the record; anything else (registry down) fails the batch to be retried. */
function decodeRejection(err: unknown): Evaluated {
  const error = classifyError(err);
  if (error.disposition !== 'poison') throw error;
  return {
    kind: 'rejected',
    rejection: { stage: 'decode', code: reasonOfError(error), message: error.message },
  };
}
