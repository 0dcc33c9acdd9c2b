import { Worker } from 'node:worker_threads';
import { classifyError, type Disposition, describeError, type ErrorCode, SluiceError } from './errors.ts';

/**
 * A worker thread running a TypeScript module. Threads do not inherit the tsx loader of the thread
 * that starts them, so each registers it before importing its module.
 */
export function startTypeScriptThread(module: URL, workerData: unknown): Worker {
  // every thread is an isolate of its own: it gives its burst memory back on its own (lib/memory.ts)
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(async (tsx) => { tsx.register(); (await import(${JSON.stringify(new URL('./memory.ts', import.meta.url).href)})).compactHeapWhenQuiet(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
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
