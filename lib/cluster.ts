import cluster from 'node:cluster';
import type { Logger } from './logger.ts';

/** A worker that exits sooner than this after its start is taken as unable to run, not crashed. */
const minimumUptimeMs = 10_000;

/** The variable telling a worker which of the copies it is (1…count); a replacement keeps the number. */
const instanceVariable = 'SLUICE_INSTANCE';

/** Which copy of a supervised process this is (1-based), or undefined outside `superviseWorkers`. */
export function instanceNumber(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env[instanceVariable]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Runs `count` copies of this process (same command line and V8 flags) that share its listening
 * sockets through Node's cluster module: the primary accepts connections and hands them out
 * round-robin, and does nothing else. Each copy knows its number (`instanceNumber`). It forwards
 * SIGINT and SIGTERM, replaces a worker that dies after running a while (under the same number),
 * stops them all when one cannot start (a configuration error would otherwise respawn forever),
 * and resolves with the exit code once every worker is gone.
 */
export function superviseWorkers(count: number, logger: Logger): Promise<number> {
  const startedAt = new Map<number, number>();
  const numbers = new Map<number, number>();
  let stopping = false;
  let exitCode = 0;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  const fork = (instance: number) => {
    const worker = cluster.fork({ [instanceVariable]: String(instance) });
    startedAt.set(worker.id, Date.now());
    numbers.set(worker.id, instance);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const uptimeMs = Date.now() - (startedAt.get(worker.id) ?? 0);
      const instance = numbers.get(worker.id) ?? 1;
      startedAt.delete(worker.id);
      numbers.delete(worker.id);
      if (!stopping && uptimeMs >= minimumUptimeMs) {
        logger.error(
          { worker: worker.process.pid, instance, code, signal, uptimeMs },
          'worker died; starting another',
        );
        fork(instance);
        return;
      }
      if (!stopping) {
        logger.error({ worker: worker.process.pid, code, signal }, 'worker could not start; stopping all');
        exitCode ||= code || 1;
        stop('SIGTERM');
      } else if (code) exitCode ||= code;
      if (startedAt.size === 0) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(exitCode);
      }
    });
    for (let i = 1; i <= count; i++) fork(i);
  });
}
