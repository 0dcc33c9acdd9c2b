import type { Health } from '../../lib/component.ts';
import { runnableModule } from '../../lib/modules.ts';
import type { Rejection } from '../../lib/reasons.ts';

/** Where a raw record was read from; stages use the timestamp (never the wall clock) so replays agree. */
export interface RecordMeta {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka record timestamp, epoch milliseconds. */
  timestamp: number;
}

export { accept, type Rejection, reject, type StageResult } from '../../lib/reasons.ts';

/**
 * What the stages made of one event; the runner's dedupe window then drops repeated event ids.
 * `notes` name what an accepted event is noted for (e.g. region_unmapped:aws:xx-mars-1): counted per
 * run with the run's outcome.
 */
export type Outcome<Out> =
  | { kind: 'output'; eventId: string; key: string; value: Out; notes?: string[] }
  | { kind: 'rejected'; rejection: Rejection };

/** What a processor does to one decoded event: pure, so it can run on any thread. */
export interface Pipeline<In, Out> {
  /** Component name (metrics, logs, DLQ envelope). */
  readonly component: string;
  process(event: In, meta: RecordMeta): Outcome<Out>;
}

/** A pipeline with what it holds started (a device directory, its connections). */
export interface RunningPipeline<In, Out> {
  pipeline: Pipeline<In, Out>;
  /** Degraded or down when what the stages look things up in is. */
  health?(): Health;
  stop(): Promise<void>;
}

/**
 * What a processor's pipeline module exports as `startPipeline`: the runner imports the module by
 * URL and calls it on its own thread or in each pipeline thread, with the processor's settings.
 */
export type StartPipeline<In, Out> = (
  settings: never,
  component: string,
) => Promise<RunningPipeline<In, Out>>;

/** Imports a processor's pipeline module (by URL) and starts its pipeline. */
export async function startPipelineModule(
  pipelineModule: string,
  settings: unknown,
  component: string,
): Promise<RunningPipeline<unknown, unknown>> {
  const { startPipeline } = (await import(runnableModule(pipelineModule))) as {
    startPipeline: StartPipeline<unknown, unknown>;
  };
  return startPipeline(settings as never, component);
}
