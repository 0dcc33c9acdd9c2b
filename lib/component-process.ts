import { type ChildProcess, spawn } from 'node:child_process';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Component, Health } from './component.ts';
import { SluiceError } from './errors.ts';
import { type LoggedProblem, loggedProblems } from './logger.ts';
import { addMetricsSource, metricsRegistry } from './metrics.ts';
import { type Observed, type Readiness, readiness } from './ops.ts';

/**
 * A component in a process of its own, started and watched by a platform process (`sluice up`): the
 * parent sees it as one more component (`ComponentProcess`: start, stop, health, failure), and the
 * child (`sluice run <component>`) reports its health, its logged problems and, when asked, its
 * metrics over Node's IPC channel (`reportToParent`). The parent's API then serves /readyz and
 * /metrics for every process, as it did when they all ran in one.
 */

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

interface ChildReport {
  type: 'report';
  components: Readiness['components'];
  problems: LoggedProblem[];
}
type FromChild = ChildReport | { type: 'metrics'; id: number; metrics: MetricsJson };
type ToChild = { type: 'metrics'; id: number };

/** Set in a component process the platform started: it reports to its parent instead of serving OPS_PORT. */
const childVariable = 'SLUICE_COMPONENT_PROCESS';

/** How often a child reports its health: /readyz of the platform is this much behind at most. */
const reportIntervalMs = 500;

/** A child that does not answer for its metrics in this time is left out of one /metrics answer. */
const metricsTimeoutMs = 2_000;

/** Whether this process was started by a platform as one of its component processes. */
export function startedByPlatform(): boolean {
  return process.env[childVariable] === '1' && typeof process.send === 'function';
}

/**
 * In a component process: reports `components`' health and the problems logged so far every half
 * second, answers its parent's metrics requests, and stops this process gracefully (SIGTERM) when
 * the parent is gone, even by SIGKILL. Returns the final report, sent once the components stopped.
 */
export function reportToParent(components: () => Observed[]): () => Promise<void> {
  const send = (message: FromChild) =>
    new Promise<void>((sent) => {
      if (!process.connected || !process.send) return sent();
      process.send(message, undefined, {}, () => sent());
    });
  const report = () =>
    send({ type: 'report', components: readiness(components()).components, problems: loggedProblems() });
  const onMessage = (message: ToChild) => {
    if (message?.type !== 'metrics') return;
    void metricsRegistry
      .getMetricsAsJSON()
      .then((metrics) => send({ type: 'metrics', id: message.id, metrics }));
  };
  const onDisconnect = () => process.kill(process.pid, 'SIGTERM');
  process.on('message', onMessage);
  // the parent may have died while this process loaded
  if (process.connected) process.once('disconnect', onDisconnect);
  else onDisconnect();
  // the channel must not keep the process alive once its components stopped
  process.channel?.unref();
  const timer = setInterval(report, reportIntervalMs);
  timer.unref();
  void report();
  return async () => {
    clearInterval(timer);
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
    await report();
  };
}

/** What starts a component process: the node binary, its flags and entry, `run <component>`. */
export interface ProcessCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Problems reported by component processes that exited (their last report), for the summary at the end. */
const problemsOfExitedProcesses: LoggedProblem[][] = [];
const runningProcesses = new Set<ComponentProcess>();

/** Warnings and errors logged by every component process this one started, exited or running. */
export function componentProcessProblems(): LoggedProblem[] {
  return [...problemsOfExitedProcesses, ...[...runningProcesses].map((p) => p.problems)].flat();
}

/**
 * A component running in a child process (`sluice run …`), as the platform's supervisor sees it:
 * `start` spawns it, `health` is what it last reported (down while it starts), `failed` aborts when
 * it exits unasked (a settings error, exit 2, as ING_CONFIG_INVALID: a new process would fail the
 * same way), and `stop` sends SIGTERM and waits for it to finish its batches, SIGKILL at the deadline.
 */
export class ComponentProcess implements Component {
  readonly failed: AbortSignal;
  problems: LoggedProblem[] = [];
  private readonly failure = new AbortController();
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stopping = false;
  private reported?: ChildReport;
  private nextRequest = 0;
  private readonly requests = new Map<number, (metrics: MetricsJson) => void>();
  private removeMetricsSource?: () => void;

  constructor(
    readonly name: string,
    private readonly launch: ProcessCommand,
  ) {
    this.failed = this.failure.signal;
  }

  async start(): Promise<void> {
    const child = spawn(this.launch.command, this.launch.args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...this.launch.env, [childVariable]: '1' },
    });
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    child.on('message', (message: FromChild) => this.receive(message));
    child.once('exit', (code, signal) => this.onExit(code, signal));
    await new Promise<void>((spawned, failed) => {
      child.once('spawn', spawned);
      child.once('error', failed);
    });
    runningProcesses.add(this);
    this.removeMetricsSource = addMetricsSource(() => this.metrics());
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  health(): Health {
    const components = this.reported?.components ?? [];
    if (components.length === 0) return { state: 'down', reason: `starting its process (pid ${this.pid})` };
    const notReady = components.filter((c) => c.state === 'down');
    if (notReady.length > 0) {
      return {
        state: 'down',
        reason: notReady
          .map((c) => (components.length === 1 ? c.reason : `${c.name}: ${c.reason}`))
          .join('; '),
      };
    }
    const degraded = components.find((c) => c.state === 'degraded');
    return degraded ? { state: 'degraded', reason: degraded.reason } : { state: 'ready' };
  }

  /** The child's metrics registry as JSON; none when it does not answer in time. */
  metrics(): Promise<MetricsJson> {
    const child = this.child;
    if (!child?.connected) return Promise.resolve([]);
    const id = this.nextRequest++;
    return new Promise((answered) => {
      const timer = setTimeout(() => {
        this.requests.delete(id);
        answered([]);
      }, metricsTimeoutMs);
      this.requests.set(id, (metrics) => {
        clearTimeout(timer);
        answered(metrics);
      });
      child.send({ type: 'metrics', id } satisfies ToChild, (err) => {
        if (err) this.requests.get(id)?.([]);
      });
    });
  }

  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || !this.exited) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
    await this.exited;
    clearTimeout(timer);
  }

  private receive(message: FromChild): void {
    if (message.type === 'report') {
      this.reported = message;
      this.problems = message.problems;
    } else if (message.type === 'metrics') {
      this.requests.get(message.id)?.(message.metrics);
      this.requests.delete(message.id);
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    runningProcesses.delete(this);
    problemsOfExitedProcesses.push(this.problems);
    this.removeMetricsSource?.();
    for (const answer of this.requests.values()) answer([]);
    this.requests.clear();
    this.reported = undefined;
    if (this.stopping) return;
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    this.failure.abort(
      code === 2
        ? new SluiceError(
            'ING_CONFIG_INVALID',
            `its process (pid ${this.pid}) ${how}: its settings are invalid`,
          )
        : new SluiceError('ING_PROCESS_EXITED', `its process (pid ${this.pid}) ${how}`),
    );
  }
}
