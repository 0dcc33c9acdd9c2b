import type { Kafka } from 'kafkajs';
import type { DeadLetterFilter, ReplayCounts } from '../../lib/dlq.ts';
import { SluiceError } from '../../lib/errors.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { ApiProblem } from '../http/problem.ts';

/**
 * What the API asks the platform to do. The work itself lives in producers/ and processors/ (the
 * same code `sluice collect`, `sluice dlq replay` and `sluice reprocess` run); the API may not
 * import those folders, so the process that starts the API hands these in (cli/operations.ts).
 */

export interface CollectionStart {
  provider: 'aws' | 'azure';
  filters: Record<string, string>;
  /** Default: generated. */
  runId?: string;
}

export interface ReprocessCounts {
  planned: number;
  processed: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

/** Reports how far a job got: done of total (records). */
export type ProgressReport = (done: number, total: number) => void;

export interface PipelineActions {
  /** Starts a collection run in the background; resolves with its id once the run is recorded. */
  startCollection(start: CollectionStart): Promise<string>;
  /** Continues a run from its checkpoint in the background. */
  resumeCollection(runId: string): Promise<void>;
  /** Cancels a running run wherever it runs; resolves once recorded. */
  cancelCollection(runId: string, reason: string): Promise<void>;
  /** Re-publishes the selected dead letters of `dlqTopic` (or only counts them). */
  replayDeadLetters(
    dlqTopic: string,
    filter: DeadLetterFilter,
    dryRun: boolean,
    progress: ProgressReport,
  ): Promise<ReplayCounts>;
  /** Replays a raw topic from `from` (earliest, an instant, offsets) through the current stages. */
  reprocess(
    pipeline: 'telemetry' | 'pricing',
    from: string,
    progress: ProgressReport,
  ): Promise<ReprocessCounts>;
}

export interface OperationsDependencies {
  kafka: Kafka;
  serde: AvroSerde;
  actions: PipelineActions;
}

/** An API started without the platform (a test of its other routes): every action answers 503. */
export const noActions: PipelineActions = new Proxy({} as PipelineActions, {
  get: () => async () => {
    throw new ApiProblem(
      'unavailable',
      'this API process runs without the platform: start it with `sluice up` or `sluice run api`',
    );
  },
});

/** An action refused for what was asked (no such run, a run not running, a bad filter) is the caller's 400. */
export async function asked<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof SluiceError && err.disposition !== 'retriable') {
      throw new ApiProblem('invalid-request', err.message);
    }
    throw err;
  }
}
