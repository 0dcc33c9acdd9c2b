import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sluiceProcess } from '../lib/component.ts';
import type { ProcessCommand } from '../lib/component-process.ts';
import { environment, projectRoot } from '../lib/config.ts';
import { sluiceAsync, sourceCli, withoutConnections } from './support.ts';

/**
 * A whole Sluice on a private stack (its own Kafka, registry, PostgreSQL, ClickHouse and Mosquitto,
 * on ports of its own and data under a temporary home), its components in processes as a deployment
 * runs them, driven only from outside: processes, signals, servers and HTTP. The fault suite kills
 * and restarts what it likes here, and the end-to-end benchmark measures on clean topics, without
 * disturbing anyone else's tests.
 */

/** Ports of the private stack (a block of the caller's, below the ephemeral range). */
export interface PrivatePorts {
  kafka: number;
  controller: number;
  registry: number;
  postgres: number;
  clickhouse: number;
  clickhouseTcp: number;
  mosquitto: number;
  gateway: number;
}

export type ServerName = 'kafka' | 'registry' | 'postgres' | 'clickhouse' | 'mosquitto';

/** The components of the platform, each a process as `sluice …` runs it. */
export const componentCommands = {
  'http-gateway': ['run', 'gateway'],
  'mqtt-bridge': ['run', 'mqtt-bridge'],
  'telemetry-processor': ['run', 'processor', 'telemetry'],
  'pricing-processor': ['run', 'processor', 'pricing'],
  'sink-postgres': ['run', 'sink', 'postgres'],
  'sink-postgres-archive': ['run', 'sink', 'postgres-archive'],
  'sink-clickhouse': ['run', 'sink', 'clickhouse'],
} as const;

export type ComponentName = keyof typeof componentCommands;

/**
 * One component process (`sluice …`), its last log lines kept, its operations endpoints found in its
 * log, an exit nobody asked for reported, and any line that tells of an unhandled error.
 */
export class WatchedProcess {
  readonly child: ChildProcess;
  opsUrl?: string;
  /** Set when a test signalled it: its exit is expected. */
  killedOnPurpose = false;

  /** `launch`: as the platform and `sluice up` start one (`sluiceProcess`). */
  constructor(
    readonly name: string,
    launch: ProcessCommand,
    lines: string[],
    report: { exits: UnexpectedExit[]; crashLines: string[] },
    /** Where every line goes too (the kept lines are the last 400). */
    logFile?: WriteStream,
  ) {
    this.child = spawn(launch.command, launch.args, {
      cwd: projectRoot,
      env: launch.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          logFile?.write(`${line}\n`);
          lines.push(line);
          if (lines.length > 400) lines.splice(0, lines.length - 400);
          if (
            /Unhandled 'error' event|uncaughtException|unhandledRejection|UnhandledPromiseRejection/.test(
              line,
            )
          )
            report.crashLines.push(`${name}: ${line}`);
          if (!this.opsUrl && line.includes('health and metrics at'))
            this.opsUrl = /"url":"([^"]+)"/.exec(line)?.[1];
        }
      });
    }
    this.child.once('exit', (code, signal) => {
      if (!this.killedOnPurpose)
        report.exits.push({ component: name, code, signal, lastLines: lines.slice(-30) });
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Its resident memory in bytes (from /proc), while it runs. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }

  /** Its /readyz answer, or undefined while it does not answer yet. */
  async readiness(): Promise<{ status: number; body: string } | undefined> {
    if (!this.opsUrl) return undefined;
    try {
      const response = await fetch(`${this.opsUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: await response.text() };
    } catch {
      return undefined;
    }
  }

  /** Signals it; SIGKILL, SIGTERM and SIGINT end it (awaited), SIGSTOP/SIGCONT pause it. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    const ends = signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT';
    if (ends) this.killedOnPurpose = true;
    const exited =
      ends && this.alive ? new Promise((resolveExit) => this.child.once('exit', resolveExit)) : undefined;
    this.child.kill(signal);
    await exited;
  }

  /** SIGTERM (SIGKILL after 15 s) unless it ended already. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.killedOnPurpose = true;
    const exited = new Promise((resolveExit) => this.child.once('exit', resolveExit));
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const late = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(late);
  }
}

/** An exit nobody asked for: the suite fails on any. */
export interface UnexpectedExit {
  component: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  lastLines: string[];
}

export class PrivatePlatform {
  readonly home = mkdtempSync(join(tmpdir(), 'sluice-faults-'));
  private readonly processes = new Map<string, WatchedProcess>();
  private readonly logs = new Map<string, string[]>();
  /** Every line of each component, in `<home>/logs/<name>.log`: `down` can keep them. */
  private readonly logFiles = new Map<string, WriteStream>();
  readonly unexpectedExits: UnexpectedExit[] = [];
  /** Lines of any process that say a library error event or an exception went unhandled. */
  readonly crashLines: string[] = [];
  readonly baseEnv: NodeJS.ProcessEnv;

  /**
   * `entry`: the CLI its processes run, the sources (tests) or the compiled CLI (the end-to-end
   * benchmark, as npm start runs it: test/support.ts compiledCli).
   */
  constructor(
    readonly ports: PrivatePorts,
    componentEnv: Record<string, string> = {},
    private readonly entry = sourceCli,
  ) {
    // PostgreSQL runs as its own user when we are root: it must reach its data dir under here
    chmodSync(this.home, 0o755);
    this.baseEnv = {
      ...withoutConnections(),
      SLUICE_HOME: this.home,
      SLUICE_KAFKA_PORT: String(ports.kafka),
      SLUICE_KAFKA_CONTROLLER_PORT: String(ports.controller),
      SLUICE_KAFKA_HEAP: '512m',
      SLUICE_REGISTRY_PORT: String(ports.registry),
      SLUICE_REGISTRY_HEAP: '384m',
      SLUICE_POSTGRES_PORT: String(ports.postgres),
      SLUICE_CLICKHOUSE_PORT: String(ports.clickhouse),
      SLUICE_CLICKHOUSE_TCP_PORT: String(ports.clickhouseTcp),
      SLUICE_MOSQUITTO_PORT: String(ports.mosquitto),
      HTTP_GATEWAY_PORT: String(ports.gateway),
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      ...componentEnv,
    };
  }

  /** The connection variables of the private stack (its `.sluice/env`), for the suite's own clients. */
  connectionEnv(): Record<string, string | undefined> {
    return environment(this.baseEnv);
  }

  /** `sluice stack …` on the private home, without blocking the event loop (the load keeps going). */
  async stack(args: string[]): Promise<void> {
    const result = await sluiceAsync(['stack', ...args], this.baseEnv);
    if (result.status !== 0) throw new Error(`sluice stack ${args.join(' ')} failed:\n${result.stderr}`);
  }

  /** The pid of a server of the private stack; PostgreSQL's postmaster from its own pid file. */
  serverPid(server: ServerName): number {
    const file =
      server === 'postgres'
        ? join(this.home, 'postgres', 'data', 'postmaster.pid')
        : join(this.home, server, 'pid');
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for ${server} in ${file}`);
    return pid;
  }

  /** SIGKILLs a server of the stack (the pid file stays: `stack up` sees it crashed and starts it again). */
  killServer(server: ServerName): void {
    process.kill(this.serverPid(server), 'SIGKILL');
  }

  start(component: ComponentName): void {
    this.startCommand(component, [...componentCommands[component]]);
  }

  /** Any `sluice …` command as a process of this platform (the whole platform: `run --no-demo`). */
  startCommand(name: string, args: string[], env: Record<string, string> = {}): WatchedProcess {
    const lines = this.logs.get(name) ?? [];
    this.logs.set(name, lines);
    let logFile = this.logFiles.get(name);
    if (!logFile) {
      mkdirSync(join(this.home, 'logs'), { recursive: true });
      logFile = createWriteStream(join(this.home, 'logs', `${name}.log`), { flags: 'a' });
      this.logFiles.set(name, logFile);
    }
    const started = new WatchedProcess(
      name,
      sluiceProcess(this.entry, args, { ...this.baseEnv, ...env }),
      lines,
      {
        exits: this.unexpectedExits,
        crashLines: this.crashLines,
      },
      logFile,
    );
    this.processes.set(name, started);
    return started;
  }

  /** The pid of a server, or undefined while it does not run. */
  serverPidIfRunning(server: ServerName): number | undefined {
    try {
      return this.serverPid(server);
    } catch {
      return undefined;
    }
  }

  /** Signals a component's process as a fault; SIGKILL and SIGTERM end it, SIGSTOP/SIGCONT pause it. */
  signal(component: ComponentName, signal: NodeJS.Signals): Promise<void> {
    return this.running(component).signal(signal);
  }

  /** What a process supervisor (systemd `Restart=always`, a Kubernetes pod) does after a process died. */
  async killAndRestart(component: ComponentName, restartAfterMs = 1000): Promise<void> {
    await this.signal(component, 'SIGKILL');
    await sleep(restartAfterMs);
    this.start(component);
  }

  private running(component: ComponentName): WatchedProcess {
    const running = this.processes.get(component);
    if (!running) throw new Error(`${component} is not running`);
    return running;
  }

  /** The component's /readyz answer, or undefined while its process does not answer yet. */
  readiness(component: ComponentName): Promise<{ status: number; body: string } | undefined> {
    return this.processes.get(component)?.readiness() ?? Promise.resolve(undefined);
  }

  /** Waits until the component answers ready; returns how long it took, or throws after `limitMs`. */
  async waitReady(component: ComponentName, limitMs: number, since = Date.now()): Promise<number> {
    let last: string | undefined;
    for (;;) {
      const answer = await this.readiness(component);
      if (answer?.status === 200) return Date.now() - since;
      last = answer?.body ?? last;
      if (Date.now() - since > limitMs) {
        throw new Error(
          `${component} not ready ${Math.round(limitMs / 1000)} s after the fault ended (its documented time); last /readyz: ${last ?? 'no answer'}\n${this.lastLines(component, 20).join('\n')}`,
        );
      }
      await sleep(250);
    }
  }

  lastLines(component: string, count = 30): string[] {
    return (this.logs.get(component) ?? []).slice(-count);
  }

  /**
   * Stops every component (SIGTERM, then SIGKILL after 15 s) and the stack, and removes the home;
   * `keepLogsIn`: the components' whole logs are copied there first (a failed run's evidence).
   */
  async down(keepLogsIn?: string): Promise<void> {
    await Promise.all([...this.processes.values()].map((running) => running.stop()));
    await Promise.all([...this.logFiles.values()].map((file) => new Promise((closed) => file.end(closed))));
    await this.stack(['down']).catch(() => {});
    if (keepLogsIn) cpSync(join(this.home, 'logs'), keepLogsIn, { recursive: true });
    rmSync(this.home, { recursive: true, force: true });
  }
}
