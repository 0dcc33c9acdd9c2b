import type { IHeaders } from 'kafkajs';
import type { TopicContract } from '../../schemas/catalog.ts';
import type { RunOutcome } from '../../schemas/types.ts';
import type { Rejection } from './pipeline.ts';

/** Where a processor reports per-run outcomes: the header naming an event's run, and the topic. */
export interface RunOutcomeOptions {
  /** Header carrying the run id (events without it are not counted). */
  header: string;
  topic: TopicContract;
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

/**
 * What one batch of one partition did with each run's events: normalized, dead-lettered (by stage
 * and reason, with the first message as an example), dropped as duplicates, and the notes of the
 * normalized ones. The runner publishes the outcomes in the batch's transaction, so a run's counts
 * add up exactly, whatever crashes or rebalances happen.
 */
export class RunOutcomeTally {
  private readonly runs = new Map<string, RunOutcome>();

  constructor(
    private readonly header: string,
    private readonly context: Pick<RunOutcome, 'component' | 'consumerGroup' | 'inputTopic' | 'partition'>,
  ) {}

  private outcome(headers: IHeaders | undefined, offset: number): RunOutcome | undefined {
    const runId = headerText(headers, this.header);
    if (runId === undefined || runId === '') return undefined;
    let outcome = this.runs.get(runId);
    if (!outcome) {
      outcome = {
        runId,
        ...this.context,
        firstOffset: offset,
        lastOffset: offset,
        normalized: 0,
        deadLettered: 0,
        duplicates: 0,
        deadLetterReasons: [],
        notes: {},
        emittedAt: 0,
      };
      this.runs.set(runId, outcome);
    }
    outcome.lastOffset = offset;
    return outcome;
  }

  normalized(headers: IHeaders | undefined, offset: number, notes: readonly string[] = []): void {
    const outcome = this.outcome(headers, offset);
    if (!outcome) return;
    outcome.normalized += 1;
    for (const note of notes) outcome.notes[note] = (outcome.notes[note] ?? 0) + 1;
  }

  deadLettered(headers: IHeaders | undefined, offset: number, rejection: Rejection): void {
    const outcome = this.outcome(headers, offset);
    if (!outcome) return;
    outcome.deadLettered += 1;
    const reason = outcome.deadLetterReasons.find(
      (entry) => entry.stage === rejection.stage && entry.code === rejection.code,
    );
    if (reason) reason.count += 1;
    else
      outcome.deadLetterReasons.push({
        stage: rejection.stage,
        code: rejection.code,
        count: 1,
        example: rejection.message,
      });
  }

  duplicate(headers: IHeaders | undefined, offset: number): void {
    const outcome = this.outcome(headers, offset);
    if (outcome) outcome.duplicates += 1;
  }

  /** The batch's outcomes, one per run that had events in it. */
  outcomes(emittedAt: number): RunOutcome[] {
    return [...this.runs.values()].map((outcome) => ({ ...outcome, emittedAt }));
  }
}
