import { type ResourceLimits, Worker } from 'node:worker_threads';
import { classifyError, type Disposition, describeError, type ErrorCode, SluiceError } from './errors.ts';
import { runnableModule, runningCompiled } from './modules.ts';

/**
 * A worker thread running a module given by its source URL. From dist/ it loads the compiled
 * module; under tsx, threads do not inherit the loader of the thread that starts them, so each
 * registers it before importing its module. `resourceLimits` bounds the thread's heap (by default it
 * takes the process's V8 flags, young generation size included).
 */
export function startModuleThread(module: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  // every thread is an isolate of its own: it gives its burst memory back on its own (lib/memory.ts)
  const memory = JSON.stringify(runnableModule(new URL('./memory.ts', import.meta.url)));
  const load = `import(${memory}).then((memory) => { memory.compactHeapWhenQuiet(); return import(${JSON.stringify(runnableModule(module))}); })`;
  const bootstrap = runningCompiled
    ? load
    : `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return ${load}; })`;
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
