import cluster from 'node:cluster';
import type { Logger } from './logger.ts';

/** A worker that exits sooner than this after its start is taken as unable to run, not crashed. */
const minimumUptimeMs = 10_000;

/**
 * Runs `count` copies of this process (same command line and V8 flags) that share its listening
 * sockets through Node's cluster module: the primary accepts connections and hands them out
 * round-robin, and does nothing else. It forwards SIGINT and SIGTERM, replaces a worker that
 * dies after running a while, stops them all when one cannot start (a configuration error would
 * otherwise respawn forever), and resolves with the exit code once every worker is gone.
 */
export function superviseWorkers(count: number, logger: Logger): Promise<number> {
  const startedAt = new Map<number, number>();
  let stopping = false;
  let exitCode = 0;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const uptimeMs = Date.now() - (startedAt.get(worker.id) ?? 0);
      startedAt.delete(worker.id);
      if (!stopping && uptimeMs >= minimumUptimeMs) {
        logger.error({ worker: worker.process.pid, code, signal, uptimeMs }, 'worker died; starting another');
        fork();
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
    for (let i = 0; i < count; i++) fork();
  });
}
