import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProcessCommand, reportToParent, startedByPlatform } from './component-process.ts';
import { defineSettings, loadSettings, positiveInt, type SettingsOf, setting } from './config.ts';
import { classifyError, describeError, type SluiceError } from './errors.ts';
import { closeServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import { compactHeapWhenQuiet, memoryEnv } from './memory.ts';
import { startOpsServer } from './ops.ts';
import { backoffDelay, whenAborted } from './retry.ts';

/**
 * V8 flags every Sluice process starts with (`bin/sluice.mjs`'s shebang and `npm start` repeat
 * them: V8 reads them only at start). Components allocate objects per record and hold a batch
 * for a while; with a 64 MiB young generation most of it dies young instead of being promoted
 * and marked (ClickHouse sink bench: 23.8 → 21.0 µs CPU per row). `--expose-gc` lets a quiet
 * process give that memory back after a burst (lib/memory.ts).
 */
export const componentNodeFlags = ['--max-semi-space-size=64', '--expose-gc'];

/**
 * The young generation (semi-space, MiB) of each `sluice run <command>` whose work differs from a
 * component that holds decoded batches (`componentNodeFlags`' 64 MiB); undefined for V8's default.
 * The platform starts its component processes with these, and the deployments (compose, the
 * Kubernetes manifests) set the same in NODE_OPTIONS (test/compose.unit.test.ts checks both).
 */
const semiSpaceMiB: Record<string, number | undefined> = {
  /**
   * The API holds no batches. 100 live-stream clients while the gateway took 5,000 readings/s
   * peaked at 278 MiB RSS with V8's default, 357-386 MiB with 64 MiB (`npm run bench operations-stream`).
   */
  api: undefined,
  /**
   * The MQTT bridge holds no more than the broker's receive maximum (2000 messages, a few MiB):
   * draining 100,000 messages it peaked at 361-379 MiB RSS with 64 MiB and 265 MiB with 4, at the
   * same CPU per message (15.6-17.7 against 15.0-17.1 µs with Mosquitto and Kafka; `npm run bench
   * mqtt-bridge`, alternating, machine shared).
   */
  'mqtt-bridge': 4,
  /**
   * The platform's own process (`npm start`, `sluice up --detach`: the API, the gateway, the MQTT
   * bridge, the scheduler). The gateway alone at full speed (`HTTP_GATEWAY_WORKERS=1 npm run bench
   * http-gateway`, two alternating runs each, machine shared) peaked at 274-278 MiB RSS with 16
   * against 346-379 MiB with 64, for 5.8-6.5 against 5.1-5.3 µs CPU a reading: at the platform's
   * rates a few hundredths of a core.
   */
  platform: 16,
  /**
   * `sluice run gateway`, its primary and workers (cluster workers inherit the flags). Its
   * benchmark (`npm run bench http-gateway`, two workers, alternating, 6 December) peaked at
   * 181-227 MiB a worker with 16 against 268-292 with 64 (317-332 in the run before), at 9.4-10.2
   * against 8.5-10.5 µs CPU a reading and 160,258-179,125 against 149,158-199,057 readings/s.
   */
  gateway: 16,
  /**
   * A processor, its main thread and each pipeline thread (a Worker's `resourceLimits` young
   * generation does not apply when the flag is given: measured). Under a 1,000,000-reading backlog
   * (`npm run bench processor`, two alternating runs each, machine shared) it peaked at 534-544 MiB
   * RSS with 16 against 661-667 MiB with 64, at 7.0-7.6 against 7.2-8.1 µs CPU an event.
   */
  processor: 16,
  /**
   * A sink encodes each record into its row's bytes as it buffers it (lib/stream/destination.ts):
   * what survives a scavenge is a batch of bytes, not of decoded values. `sluice run sink
   * clickhouse`, 1,000,000 rows, alternating (machine shared): peak RSS 419-426 MiB with 16, 525-532
   * MiB with 64, 4.96-5.36 against 4.71-5.53 µs CPU per row; 8 gave 422-437 MiB at 5.49-5.65 µs.
   * `sluice run sink postgres`, 200,000 rows: 298-303 against 403-404 MiB. With 2 MiB fetches (6
   * December, `sluice run sink clickhouse`, 1,000,000 rows, 25,000-row batches, alternating): 280-304
   * MiB with 8 against 303-318 with 16, at 8.2-8.8 against 8.4-8.9 µs CPU a row (start included).
   */
  sink: 8,
};

/**
 * How far the old generation of a command's process may grow past what its last full collection
 * left before the next one (`--heap-growing-percent`), where V8's own factor (up to 4× on a large
 * machine) holds more garbage than the process needs. A sink's old generation is mostly its
 * buffered records and the fetch responses and row chunks they hold, dead a batch later: `sluice
 * run sink clickhouse`, 1,000,000 rows, 25,000-row batches, 8 MiB semi-spaces, alternating (6
 * December): peak RSS 285-307 MiB with V8's factor at 8.3-8.7 µs CPU a row (start included); 280-287
 * at 8.9-9.1 with 200; 245-259 at 9.1-9.3 with 150; 217-237 at 9.8-9.9 with 100. A processor's old
 * generations (main thread and pipeline thread) hold the batches in flight the same way: `npm run
 * bench processor 500000`, alternating (6 December): peak RSS 443-445 MiB with V8's factor at
 * 10.7-14.2 µs CPU an event, 380-398 at 10.4-12.4 with 150 (four runs), 349-366 with 100 and 351-359
 * with 150 and 8 MiB semi-spaces, both at 11.1-16.0 (two runs each, too noisy to call).
 */
const heapGrowingPercent: Record<string, number> = { sink: 150, processor: 150 };

/** The V8 flags `sluice run <command>` starts with in its own process. */
export function nodeFlagsOf(command: string): string[] {
  const growth = heapGrowingPercent[command];
  const growing = growth === undefined ? [] : [`--heap-growing-percent=${growth}`];
  if (!Object.hasOwn(semiSpaceMiB, command)) return [...componentNodeFlags, ...growing];
  const semiSpace = semiSpaceMiB[command];
  const young = semiSpace === undefined ? [] : [`--max-semi-space-size=${semiSpace}`];
  return [...young, ...growing, '--expose-gc'];
}

/**
 * `sluice <args>` as a process of its own, as the platform, `sluice up` and the benchmarks start
 * one: Node running `entry` (bin/sluice.mjs in a checkout, dist/cli/main.js when built) with the
 * V8 flags of the `run` command it is (or `nodeFlags`), in `memoryEnv(env)`.
 */
export function sluiceProcess(
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  nodeFlags: readonly string[] = nodeFlagsOf(args[0] === 'run' ? (args[1] ?? '') : ''),
): ProcessCommand {
  return { command: process.execPath, args: [...nodeFlags, entry, ...args], env: memoryEnv(env) };
}

/**
 * `ready`: doing its job. `degraded`: doing its job with something off (a stale device registry),
 * still ready. `down`: cannot do its job now (gateway without Kafka, sink without its database,
 * starting, restarting): not ready, with the reason.
 */
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
  /** Aborted, with the error as its reason, when the component stopped working on its own and must be replaced. */
  readonly failed?: AbortSignal;
}

/** Makes a component anew for every start, so a supervisor can replace one that failed. */
export interface ComponentFactory {
  readonly name: string;
  create(): Component | Promise<Component>;
}

export const supervisionSettings = defineSettings('supervision', {
  restartInitialMs: setting(
    'SUPERVISION_RESTART_INITIAL_MS',
    positiveInt,
    '1000',
    'First wait before a failed component is started again; doubles (with jitter) on every failure in a row.',
  ),
  restartMaxMs: setting(
    'SUPERVISION_RESTART_MAX_MS',
    positiveInt,
    '15000',
    'Longest wait between two restarts of a failing component.',
  ),
  giveUpMs: setting(
    'SUPERVISION_GIVE_UP_MS',
    positiveInt,
    '600000',
    'A component failing this long without a stable run (one minute) ends its process with exit code 1, for systemd or Kubernetes to restart the process.',
  ),
});

export type SupervisionSettings = SettingsOf<typeof supervisionSettings>;

/** A run this long counts as stable: the next failure starts the backoff over. */
const stableRunMs = 60_000;

/** Exit codes of a supervised process: stopped by a signal, gave up on a failing component, misconfigured. */
export const exitCodes = { stopped: 0, gaveUp: 1, misconfigured: 2 } as const;

/** A settings error cannot be fixed while the process runs (its environment is fixed): no restart helps. */
function cannotRecoverInProcess(error: SluiceError): boolean {
  return error.code === 'ING_CONFIG_INVALID';
}

/** What a supervisor does when a component fails: start it again later, or give the process up. */
type FailureVerdict = { restartInMs: number } | { giveUp: number };

/**
 * One component under supervision: made by its factory, started, watched for failure (its `failed`
 * signal, or a start that throws) and replaced with backoff. Its health is the component's while
 * it runs, and `down` with the last error while it is replaced.
 */
export class SupervisedComponent {
  readonly name: string;
  restarts = 0;
  /** Resolves once the first start succeeded or failed. */
  readonly firstAttempt: Promise<void>;
  private settleFirstAttempt: () => void = () => undefined;
  private current?: Component;
  private running = false;
  private starting?: Promise<unknown>;
  private status: Health = { state: 'down', reason: 'starting' };
  private attempt = 0;
  private failingSince?: number;

  constructor(
    private readonly factory: ComponentFactory,
    private readonly settings: SupervisionSettings,
    private readonly logger: Logger,
    /** False for a one-shot job (a collection): its failure ends the process instead. */
    private readonly restartable = true,
  ) {
    this.name = factory.name;
    this.firstAttempt = new Promise((resolveFirst) => {
      this.settleFirstAttempt = resolveFirst;
    });
  }

  health(): Health {
    return this.running && this.current ? this.current.health() : this.status;
  }

  /** Starts and restarts the component until `stopping` aborts; resolves with an exit code when it gives up. */
  async run(stopping: AbortSignal): Promise<number | undefined> {
    while (!stopping.aborted) {
      const startedAt = Date.now();
      let error: SluiceError;
      try {
        const starting = (async () => {
          const instance = await this.factory.create();
          this.current = instance;
          await instance.start();
          return instance;
        })();
        this.starting = starting.catch(() => {});
        // a start that hangs (a server that never answers) must not hold the shutdown: stop() deals with it
        const stopped = whenAborted(stopping);
        const instance = await Promise.race([starting, stopped.aborted]).finally(stopped.release);
        if (stopping.aborted || !instance) return undefined;
        this.running = true;
        this.settleFirstAttempt();
        this.logger.info(
          this.restarts > 0
            ? `${this.name} started again (restart ${this.restarts})`
            : `${this.name} started`,
        );
        error = await failureOf(instance, stopping);
        if (stopping.aborted) return undefined;
      } catch (err) {
        error = classifyError(err);
        if (stopping.aborted) return undefined;
      } finally {
        this.starting = undefined;
        this.settleFirstAttempt();
      }
      this.running = false;
      await this.discard();
      const verdict = this.verdict(error, startedAt);
      if ('giveUp' in verdict) {
        this.status = { state: 'down', reason: `${error.code}: ${error.message}` };
        this.logger.fatal(
          { err: describeError(error), code: error.code, restarts: this.restarts },
          `${this.name} failed and cannot recover in this process; stopping it`,
        );
        return verdict.giveUp;
      }
      this.status = {
        state: 'down',
        reason: `${error.code}: ${error.message} (restart ${this.restarts + 1} in ${Math.round(verdict.restartInMs / 100) / 10} s)`,
      };
      this.logger.error(
        { err: describeError(error), code: error.code, restartInMs: verdict.restartInMs },
        `${this.name} failed; restarting it`,
      );
      try {
        await sleep(verdict.restartInMs, undefined, { signal: stopping });
      } catch {
        return undefined;
      }
      this.restarts++;
    }
    return undefined;
  }

  private verdict(error: SluiceError, startedAt: number): FailureVerdict {
    if (cannotRecoverInProcess(error)) return { giveUp: exitCodes.misconfigured };
    if (!this.restartable) return { giveUp: exitCodes.gaveUp };
    const now = Date.now();
    if (now - startedAt >= stableRunMs) {
      this.attempt = 0;
      this.failingSince = undefined;
    }
    this.failingSince ??= startedAt;
    if (now - this.failingSince >= this.settings.giveUpMs) return { giveUp: exitCodes.gaveUp };
    return {
      restartInMs: backoffDelay(this.attempt++, {
        initialDelayMs: this.settings.restartInitialMs,
        maxDelayMs: this.settings.restartMaxMs,
        factor: 2,
      }),
    };
  }

  /** Stops what is left of a failed instance, bounded: a client stuck on a dead server must not hold the restart. */
  private async discard(): Promise<void> {
    const instance = this.current;
    this.current = undefined;
    if (!instance) return;
    const deadline = Date.now() + 5_000;
    await Promise.race([
      instance.stop(deadline).catch((err) => {
        this.logger.debug({ err: describeError(err) }, `${this.name}: stopping the failed instance failed`);
      }),
      sleep(6_000, undefined, { ref: false }),
    ]);
  }

  async stop(deadline: number): Promise<void> {
    await Promise.race([this.starting, sleep(Math.max(0, deadline - Date.now()), undefined, { ref: false })]);
    this.running = false;
    const instance = this.current;
    this.current = undefined;
    this.status = { state: 'down', reason: 'stopped' };
    await instance?.stop(deadline);
  }
}

/** Resolves with the component's failure, or when `stopping` aborts. */
function failureOf(component: Component, stopping: AbortSignal): Promise<SluiceError> {
  return new Promise((resolveFailure) => {
    const failed = component.failed;
    const onFailure = () => {
      stopping.removeEventListener('abort', onStop);
      resolveFailure(classifyError(failed?.reason));
    };
    const onStop = () => {
      failed?.removeEventListener('abort', onFailure);
      resolveFailure(classifyError(stopping.reason));
    };
    if (failed?.aborted) return onFailure();
    failed?.addEventListener('abort', onFailure, { once: true });
    stopping.addEventListener('abort', onStop, { once: true });
  });
}

export interface RunOptions {
  graceMs?: number;
  stopSignal?: AbortSignal;
  onStarted?: () => void;
  /** Supervisors of the components, as soon as they exist (the API lists them in /readyz). */
  onSupervised?: (components: SupervisedComponent[]) => void;
  /**
   * Serve /healthz, /readyz and /metrics on OPS_PORT (`sluice run <component>`), or report them to
   * the platform when it started this process (its API serves them).
   */
  ops?: boolean;
  settings?: SupervisionSettings;
}

/**
 * Runs components until SIGINT/SIGTERM (or `stopSignal`): each is started on its own, so none
 * waits for another (the gateway takes readings as soon as Kafka answers, whatever the
 * processors do), and each is restarted with backoff when it fails. Factories are restarted;
 * a component given as an instance runs once (a one-shot job), and its failure ends the run.
 * Components are stopped in reverse order, sharing `graceMs`. Resolves with the process's exit
 * code: 0 when stopped, 1 when a component kept failing (systemd or Kubernetes restarts the
 * process), 2 when the configuration is invalid.
 */
export async function runComponents(
  components: (Component | ComponentFactory)[],
  logger: Logger,
  { graceMs = 10_000, stopSignal, onStarted, onSupervised, ops = false, settings }: RunOptions = {},
): Promise<number> {
  const supervision = settings ?? loadSettings(supervisionSettings);
  const supervised = components.map((component) =>
    'create' in component
      ? new SupervisedComponent(component, supervision, logger)
      : new SupervisedComponent(
          { name: component.name, create: () => component },
          supervision,
          logger,
          false,
        ),
  );
  onSupervised?.(supervised);
  const reportsToParent = ops && startedByPlatform();
  const finalReport = reportsToParent ? reportToParent(() => supervised) : undefined;
  // up before the components start: liveness holds while they connect
  const opsServer = ops && !reportsToParent ? await startOpsServer(() => supervised, logger) : undefined;
  const stopCompacting = compactHeapWhenQuiet();
  const stop = new AbortController();
  // each supervised component listens while it runs and while it waits to restart, and so does this
  // function: a platform of ten components is over Node's default of ten, without any leak
  setMaxListeners(2 * supervised.length + 1, stop.signal);
  let exitCode: number = exitCodes.stopped;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (stopSignal?.aborted) stop.abort();
  stopSignal?.addEventListener('abort', () => stop.abort(), { once: true });
  const runs = supervised.map((component) =>
    component.run(stop.signal).then((code) => {
      if (code !== undefined && !stop.signal.aborted) {
        exitCode = code;
        stop.abort();
      }
    }),
  );
  void Promise.all(supervised.map((component) => component.firstAttempt)).then(() => {
    if (!stop.signal.aborted) onStarted?.();
  });
  try {
    await whenAborted(stop.signal).aborted;
  } finally {
    const deadline = Date.now() + graceMs;
    for (const component of [...supervised].reverse()) {
      try {
        await component.stop(deadline);
        logger.info(`${component.name} stopped`);
      } catch (err) {
        logger.error({ err: describeError(err) }, `${component.name} failed to stop`);
      }
    }
    await Promise.all(runs);
    if (opsServer) await closeServer(opsServer, Date.now() + 1000);
    await finalReport?.();
    stopCompacting();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}
