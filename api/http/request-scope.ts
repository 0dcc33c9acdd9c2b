import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/**
 * The signal of the request being answered, aborted when its client goes away before the answer
 * is sent: database reads started for it stop instead of running on for nobody.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

export function requestSignal(): AbortSignal | undefined {
  return scope.getStore();
}

export function requestScope(_request: Request, response: Response, next: NextFunction): void {
  const abort = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  scope.run(abort.signal, () => next());
}

/** Runs `work` outside any request: what it starts (a timer shared by many requests) outlives the one that started it. */
export function outsideRequests<T>(work: () => T): T {
  return scope.exit(work);
}
