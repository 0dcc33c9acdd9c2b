import { setTimeout as sleep } from 'node:timers/promises';
import { classifyError, type SluiceError } from './errors.ts';

export interface RetryOptions {
  /** Attempts after the first one; Infinity for "until the signal aborts". */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  signal?: AbortSignal;
  /** A wait the failing side asked for (HTTP Retry-After); the backoff never waits less. */
  requestedDelayMs?: (error: SluiceError) => number | undefined;
  onRetry?: (error: SluiceError, attempt: number, delayMs: number) => void;
}

export const defaultRetryOptions: RetryOptions = {
  retries: 8,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
};

/** Full-jitter exponential backoff: spreads retries of many clients over the whole window. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor'>,
) {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * The one retrier: retries only retriable errors, with jittered exponential backoff.
 * Poison and fatal errors (including programming errors) are thrown at once.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  const opts = { ...defaultRetryOptions, ...options };
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      const error = classifyError(err);
      if (!error.retriable || attempt >= opts.retries || opts.signal?.aborted) throw error;
      const delayMs = Math.max(backoffDelay(attempt, opts), opts.requestedDelayMs?.(error) ?? 0);
      opts.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, undefined, { signal: opts.signal }).catch(() => {
        throw error;
      });
    }
  }
}

/** A value made once and shared by every caller; a failure is not kept, so the next caller tries again. */
export function sharedOnce<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

/**
 * Resolves when `signal` aborts. `release` takes the listener off again: a supervisor races the
 * process's stop signal on every restart, and listeners left behind would grow with the restarts.
 */
export function whenAborted(signal: AbortSignal): { aborted: Promise<void>; release: () => void } {
  let release = () => {};
  const aborted = new Promise<void>((resolveAbort) => {
    if (signal.aborted) return resolveAbort();
    const onAbort = () => resolveAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    release = () => signal.removeEventListener('abort', onAbort);
  });
  return { aborted, release };
}
