import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  type RunProcessing,
  type RunResultColumns,
  runProcessingOf,
  runsWithProcessing,
} from '../../lib/db/collection-run-results.ts';
import { SluiceError } from '../../lib/errors.ts';
import type { CloudProvider, CollectionRunStatus } from '../../schemas/types.ts';

/** Where one stream of a run stands; `cursor` null means the stream is complete. */
export interface StreamState<C = unknown> {
  key: string;
  cursor: C | null;
  /** Pages of this stream Kafka acknowledged. */
  page: number;
  /** Why the stream stopped short; a resume retries from `cursor`. */
  error?: string;
}

export interface RunCheckpoint<C = unknown> {
  streams: StreamState<C>[];
}

export type RunFilters = Record<string, string>;

export type { DeadLetterReasonCount, RunProcessing } from '../../lib/db/collection-run-results.ts';

/** What became of a run's published events: pending until the processor handled as many as were published. */
export type ProcessingResult = 'pending' | 'normalized' | 'partly_dead_lettered' | 'dead_lettered';

export function processingResult(run: Pick<CollectionRun, 'published' | 'processing'>): ProcessingResult {
  const { normalized = 0, deadLettered = 0, duplicates = 0 } = run.processing ?? {};
  if (normalized + deadLettered + duplicates < run.published) return 'pending';
  if (deadLettered === 0) return 'normalized';
  return normalized + duplicates === 0 ? 'dead_lettered' : 'partly_dead_lettered';
}

export interface CollectionRun {
  runId: string;
  provider: CloudProvider;
  filters: RunFilters;
  status: CollectionRunStatus;
  pages: number;
  items: number;
  published: number;
  failed: number;
  itemsPerSecond: number | null;
  checkpoint: RunCheckpoint | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** Null until the processor's outcome for the run reached PostgreSQL. */
  processing: RunProcessing | null;
}

export interface PageRecord {
  stream: string;
  page: number;
  sourceUrl: string | null;
  status: 'published' | 'failed';
  items: number;
  error?: string;
}

export interface FailedPage extends PageRecord {
  attempts: number;
  recordedAt: Date;
}

export interface ProgressDelta {
  pages: number;
  items: number;
  published: number;
  failed: number;
}

interface RunRow extends RunResultColumns {
  run_id: string;
  provider: CloudProvider;
  filters: RunFilters;
  status: CollectionRunStatus;
  pages: string;
  items: string;
  published: string;
  failed: string;
  items_per_second: number | null;
  checkpoint: RunCheckpoint | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

function toRun(row: RunRow): CollectionRun {
  return {
    runId: row.run_id,
    provider: row.provider,
    filters: row.filters,
    status: row.status,
    pages: Number(row.pages),
    items: Number(row.items),
    published: Number(row.published),
    failed: Number(row.failed),
    itemsPerSecond: row.items_per_second,
    checkpoint: row.checkpoint,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    processing: runProcessingOf(row),
  };
}

/** `azure-20261121t081530z-3f9a`: sortable by start, unique without coordination. */
export function newRunId(provider: CloudProvider, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'z')
    .toLowerCase();
  return `${provider}-${stamp}-${randomBytes(2).toString('hex')}`;
}

const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Collection runs in PostgreSQL: their state, counters, resume checkpoint and per-page outcomes. */
export class CollectionRunStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(
    provider: CloudProvider,
    filters: RunFilters,
    runId = newRunId(provider),
  ): Promise<CollectionRun> {
    if (!runIdPattern.test(runId)) {
      throw new SluiceError(
        'ING_VALIDATION_FAILED',
        `run id "${runId}" must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    const result = await this.pool.query<RunRow>(
      `INSERT INTO collection_runs (run_id, provider, filters, status) VALUES ($1, $2, $3, 'running')
       ON CONFLICT (run_id) DO NOTHING RETURNING *`,
      [runId, provider, JSON.stringify(filters)],
    );
    const row = result.rows[0];
    if (!row) {
      throw new SluiceError(
        'ING_VALIDATION_FAILED',
        `run ${runId} already exists; continue it with \`sluice collect resume ${runId}\``,
      );
    }
    return toRun(row);
  }

  async get(runId: string): Promise<CollectionRun> {
    const row = (await this.pool.query<RunRow>(`${runsWithProcessing} WHERE r.run_id = $1`, [runId])).rows[0];
    if (!row) throw new SluiceError('ING_VALIDATION_FAILED', `no collection run ${runId}`);
    return toRun(row);
  }

  async list(limit: number, provider?: CloudProvider): Promise<CollectionRun[]> {
    const result = await this.pool.query<RunRow>(
      `${runsWithProcessing} WHERE $1::text IS NULL OR r.provider = $1
       ORDER BY r.started_at DESC LIMIT $2`,
      [provider ?? null, limit],
    );
    return result.rows.map(toRun);
  }

  async failedPages(runId: string): Promise<FailedPage[]> {
    const result = await this.pool.query<{
      stream: string;
      page: string;
      source_url: string | null;
      items: number;
      attempts: number;
      error: string | null;
      recorded_at: Date;
    }>(
      `SELECT stream, page, source_url, items, attempts, error, recorded_at FROM collection_run_pages
       WHERE run_id = $1 AND status = 'failed' ORDER BY recorded_at`,
      [runId],
    );
    return result.rows.map((row) => ({
      stream: row.stream,
      page: Number(row.page),
      sourceUrl: row.source_url,
      status: 'failed',
      items: row.items,
      attempts: row.attempts,
      error: row.error ?? undefined,
      recordedAt: row.recorded_at,
    }));
  }

  /**
   * Holds the run for this process (a session advisory lock, released by release() or when the
   * connection dies with a killed process), so two collectors never run the same checkpoint.
   */
  async lock(runId: string): Promise<() => Promise<void>> {
    const client = await this.pool.connect();
    const key = `sluice.collection_run.${runId}`;
    const locked = (
      await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key])
    ).rows[0]?.locked;
    if (!locked) {
      client.release();
      throw new SluiceError('ING_VALIDATION_FAILED', `run ${runId} is being collected by another process`);
    }
    return async () => {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      } finally {
        client.release();
      }
    };
  }

  /** Marks a run running again for a resume attempt; a succeeded run has nothing left to do. */
  async reopen(runId: string): Promise<CollectionRun> {
    const row = (
      await this.pool.query<RunRow>(
        `UPDATE collection_runs SET status = 'running', error = NULL, finished_at = NULL, updated_at = now()
         WHERE run_id = $1 AND status <> 'succeeded' RETURNING *`,
        [runId],
      )
    ).rows[0];
    if (!row) {
      const run = await this.get(runId);
      throw new SluiceError('ING_VALIDATION_FAILED', `run ${runId} is ${run.status}: nothing to resume`);
    }
    return toRun(row);
  }

  /**
   * Stores the checkpoint and counters of what Kafka acknowledged, with the pages' outcomes, in one
   * transaction. Returns false when the run is no longer running (cancelled from elsewhere).
   */
  async recordProgress(
    runId: string,
    checkpoint: RunCheckpoint,
    delta: ProgressDelta,
    itemsPerSecond: number,
    pages: PageRecord[],
  ): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const updated = await client.query(
        `UPDATE collection_runs SET checkpoint = $2, pages = pages + $3, items = items + $4,
           published = published + $5, failed = failed + $6, items_per_second = $7, updated_at = now()
         WHERE run_id = $1`,
        [
          runId,
          JSON.stringify(checkpoint),
          delta.pages,
          delta.items,
          delta.published,
          delta.failed,
          itemsPerSecond,
        ],
      );
      if (updated.rowCount === 0)
        throw new SluiceError('ING_VALIDATION_FAILED', `no collection run ${runId}`);
      if (pages.length > 0) {
        await client.query(
          `INSERT INTO collection_run_pages (run_id, stream, page, source_url, status, items, error)
           SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::int[], $7::text[])
           ON CONFLICT (run_id, stream, page) DO UPDATE SET source_url = EXCLUDED.source_url,
             status = EXCLUDED.status, items = EXCLUDED.items, error = EXCLUDED.error,
             attempts = collection_run_pages.attempts + 1, recorded_at = now()`,
          [
            runId,
            pages.map((p) => p.stream),
            pages.map((p) => p.page),
            pages.map((p) => p.sourceUrl),
            pages.map((p) => p.status),
            pages.map((p) => p.items),
            pages.map((p) => p.error ?? null),
          ],
        );
      }
      const status = (
        await client.query<{ status: CollectionRunStatus }>(
          'SELECT status FROM collection_runs WHERE run_id = $1',
          [runId],
        )
      ).rows[0]?.status;
      await client.query('COMMIT');
      return status === 'running';
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async status(runId: string): Promise<CollectionRunStatus> {
    return (await this.get(runId)).status;
  }

  /** Ends an attempt; a run cancelled from elsewhere keeps its cancelled status and reason. */
  async finish(
    runId: string,
    status: Exclude<CollectionRunStatus, 'running'>,
    error: string | null,
  ): Promise<CollectionRun> {
    const row = (
      await this.pool.query<RunRow>(
        `UPDATE collection_runs SET
           status = CASE WHEN status = 'cancelled' THEN status ELSE $2 END,
           error = CASE WHEN status = 'cancelled' THEN error ELSE $3 END,
           finished_at = coalesce(finished_at, now()), updated_at = now()
         WHERE run_id = $1 RETURNING *`,
        [runId, status, error],
      )
    ).rows[0];
    if (!row) throw new SluiceError('ING_VALIDATION_FAILED', `no collection run ${runId}`);
    return toRun(row);
  }

  /** Cancels a running run from any process; the collector running it stops at its next check. */
  async cancel(runId: string, reason: string): Promise<CollectionRun> {
    const row = (
      await this.pool.query<RunRow>(
        `UPDATE collection_runs SET status = 'cancelled', error = $2, finished_at = now(), updated_at = now()
         WHERE run_id = $1 AND status = 'running' RETURNING *`,
        [runId, reason],
      )
    ).rows[0];
    if (!row) {
      const run = await this.get(runId);
      throw new SluiceError(
        'ING_VALIDATION_FAILED',
        `run ${runId} is ${run.status}, not running: nothing to cancel`,
      );
    }
    return toRun(row);
  }
}

/**
 * The run once the pricing processor handled as many of its events as were published, or once its
 * outcome stopped changing for `idleMs` (no processor or sink running: the result stays pending).
 */
export async function awaitProcessing(
  store: CollectionRunStore,
  runId: string,
  { idleMs, pollMs = 250 }: { idleMs: number; pollMs?: number },
): Promise<CollectionRun> {
  let run = await store.get(runId);
  let seen = JSON.stringify(run.processing);
  let changedAt = Date.now();
  while (processingResult(run) === 'pending' && Date.now() - changedAt < idleMs) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    run = await store.get(runId);
    const now = JSON.stringify(run.processing);
    if (now !== seen) {
      seen = now;
      changedAt = Date.now();
    }
  }
  return run;
}
