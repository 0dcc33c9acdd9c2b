import { type ResourceLimits, Worker } from 'node:worker_threads';
import { classifyError, type Disposition, describeError, type ErrorCode, SluiceError } from './errors.ts';

/**
 * A worker thread running a TypeScript module. Threads do not inherit the tsx loader of the thread
 * that starts them, so each registers it before importing its module. `resourceLimits` bounds the
 * thread's heap (by default it takes the process's V8 flags, young generation size included).
 */
export function startTypeScriptThread(
  module: URL,
  workerData: unknown,
  resourceLimits?: ResourceLimits,
): Worker {
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

/** An error as it crosses between threads (structured clone keeps no class). */
export interface ThreadError {
  code: ErrorCode;
  disposition: Disposition;
  message: string;
}

export function toThreadError(err: unknown, disposition?: Disposition): ThreadError {
  const error = classifyError(err);
  return { code: error.code, disposition: disposition ?? error.disposition, message: describeError(err) };
}

export function fromThreadError({ code, disposition, message }: ThreadError, context = ''): SluiceError {
  return new SluiceError(code, `${context}${message}`, { disposition });
}
