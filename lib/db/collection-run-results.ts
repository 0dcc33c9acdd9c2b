/** Dead letters of a run with one stage and reason code, and the message of the first. */
export interface DeadLetterReasonCount {
  stage: string;
  code: string;
  count: number;
  example: string;
}

/**
 * What the pricing processor made of a run's events so far (ops.pricing.run-outcomes.v1, loaded by
 * the PostgreSQL sink into collection_run_outcomes, summed by the collection_run_results view).
 */
export interface RunProcessing {
  normalized: number;
  deadLettered: number;
  /** Dropped because already normalized: a re-collected price, a page sent again. */
  duplicates: number;
  deadLetterReasons: DeadLetterReasonCount[];
  /** What normalized events were noted for, e.g. region_unmapped:aws:xx-mars-1. */
  notes: Record<string, number>;
}

/** The columns `runsWithProcessing` adds to a collection_runs row (PostgreSQL bigints as text). */
export interface RunResultColumns {
  normalized?: string | null;
  dead_lettered?: string | null;
  duplicates?: string | null;
  dead_letter_reasons?: (Omit<DeadLetterReasonCount, 'count'> & { count: number | string })[] | null;
  notes?: Record<string, string | number> | null;
}

/** collection_runs (as r) with what the processor made of each run (as o), to add WHERE/ORDER to. */
export const runsWithProcessing = `SELECT r.*, o.normalized, o.dead_lettered, o.duplicates, o.dead_letter_reasons, o.notes
  FROM collection_runs r LEFT JOIN collection_run_results o ON o.run_id = r.run_id`;

/** A run's processing from its joined columns; null before the processor reported on it. */
export function runProcessingOf(row: RunResultColumns): RunProcessing | null {
  if (row.normalized === undefined || row.normalized === null) return null;
  return {
    normalized: Number(row.normalized),
    deadLettered: Number(row.dead_lettered),
    duplicates: Number(row.duplicates),
    deadLetterReasons: (row.dead_letter_reasons ?? []).map((reason) => ({
      ...reason,
      count: Number(reason.count),
    })),
    notes: Object.fromEntries(Object.entries(row.notes ?? {}).map(([note, count]) => [note, Number(count)])),
  };
}
