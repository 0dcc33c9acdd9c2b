import { once } from 'node:events';
import { describeError } from './errors.ts';
import type { Logger } from './logger.ts';

/**
 * V8 flags every Sluice process starts with (`bin/sluice.mjs`'s shebang and `npm start` repeat
 * them: V8 reads them only at start). Components allocate objects per record and hold a batch
 * for a while; with a 64 MiB young generation most of it dies young instead of being promoted
 * and marked (ClickHouse sink bench: 23.8 → 21.0 µs CPU per row).
 */
export const componentNodeFlags = ['--max-semi-space-size=64'];

export type HealthState = 'ready' | 'degraded' | 'down';

export interface Health {
  state: HealthState;
  reason?: string;
}

/**
 * The shape of every producer, processor, sink and the API, so the runner,
 * the CLI, health checks and metrics treat them alike.
 */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Stop intake, finish the in-flight batch, commit, close; give up waiting at the deadline (epoch ms). */
  stop(deadline: number): Promise<void>;
  health(): Health;
}

/**
 * Starts components in order, runs until SIGINT/SIGTERM (or `stopSignal`), then stops
 * them in reverse order, giving them `graceMs` together to drain.
 */
export async function runComponents(
  components: Component[],
  logger: Logger,
  {
    graceMs = 10_000,
    stopSignal,
    onStarted,
  }: { graceMs?: number; stopSignal?: AbortSignal; onStarted?: () => void } = {},
): Promise<void> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (stopSignal?.aborted) stop.abort();
  stopSignal?.addEventListener('abort', () => stop.abort(), { once: true });
  const started: Component[] = [];
  try {
    for (const component of components) {
      if (stop.signal.aborted) break;
      await component.start();
      started.push(component);
      logger.info(`${component.name} started`);
    }
    if (!stop.signal.aborted) {
      onStarted?.();
      await once(stop.signal, 'abort');
    }
  } finally {
    const deadline = Date.now() + graceMs;
    for (const component of started.reverse()) {
      try {
        await component.stop(deadline);
        logger.info(`${component.name} stopped`);
      } catch (err) {
        logger.error({ err: describeError(err) }, `${component.name} failed to stop`);
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
