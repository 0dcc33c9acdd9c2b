import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '../../lib/errors.ts';

export type ServiceState = 'running' | 'starting' | 'stopped' | 'crashed' | 'external';

export interface LaunchCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

/** What a local server needs to say so the stack can install, start, probe and stop it. */
export interface ServiceDefinition {
  name: string;
  /** The connection variable; when set in the environment the server is external and never started. */
  envVar?: string;
  /** Connection variables this service contributes to `.sluice/env`. */
  connection: Record<string, string>;
  /** What a person types into a client to reach it. */
  url: string;
  /** Extra words for people (version, second port). */
  detail?: string;
  ports: number[];
  /** A string only this instance's command line contains (default: its `.sluice/<name>` dir). */
  marker?: string;
  /** Services that must be ready before this one launches, when the same `stack up` starts them. */
  startsAfter?: readonly string[];
  /** Longest time from launch to ready before start is declared failed. */
  readyTimeoutMs: number;
  /** Fetches the server's software when missing; blocks the event loop (apt, Maven), so it runs before any launch. */
  install(): Promise<void>;
  /** Writes config files and initializes the data dir; must be idempotent. */
  prepare(dir: string): Promise<void>;
  launch(dir: string): LaunchCommand;
  /** A real protocol round trip: true once the server answers. */
  probe(): Promise<boolean>;
  /** Where the server writes its own errors, if not to its output: shown too when it fails to start. */
  errorLog?(dir: string): string;
  /** Runs once ready, on every start (create databases, users…); must be idempotent. */
  afterReady?(): Promise<void>;
  /** Connection variables of an external server, for `.sluice/env`. */
  external?(value: string): Record<string, string>;
}

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  url: string;
  detail?: string;
  pid?: number;
  log?: string;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive, not a zombie, and really ours: its command line names our data dir. */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolvePort(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.once('error', () => resolvePort(false));
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A local server under `.sluice/<name>`: pid file, log file, data. */
export class LocalService {
  readonly dir: string;
  readonly pidFile: string;
  readonly logFile: string;

  constructor(
    readonly definition: ServiceDefinition,
    home: string,
  ) {
    this.dir = join(home, definition.name);
    this.pidFile = join(this.dir, 'pid');
    this.logFile = join(this.dir, `${definition.name}.log`);
  }

  get marker(): string {
    return this.definition.marker ?? this.dir;
  }

  get name(): string {
    return this.definition.name;
  }

  /** Where its variable points, when elsewhere: the stack's own address (a shell that sourced `.sluice/env`) is not external. */
  get externalValue(): string | undefined {
    const { envVar, connection } = this.definition;
    const value = envVar === undefined ? undefined : process.env[envVar];
    return envVar !== undefined && value !== connection[envVar] ? value : undefined;
  }

  get isExternal(): boolean {
    return this.externalValue !== undefined;
  }

  livePid(): number | undefined {
    const pid = readPid(this.pidFile);
    return pid !== undefined && isOurProcess(pid, this.marker) ? pid : undefined;
  }

  async status(): Promise<ServiceStatus> {
    const base = { name: this.name, url: this.definition.url, detail: this.definition.detail };
    const external = this.externalValue;
    if (external !== undefined) return { ...base, url: external, state: 'external' };
    const pid = this.livePid();
    if (pid === undefined) {
      return { ...base, state: existsSync(this.pidFile) ? 'crashed' : 'stopped' };
    }
    const ready = await this.definition.probe().catch(() => false);
    return { ...base, state: ready ? 'running' : 'starting', pid, log: this.logFile };
  }

  /** Starts the server unless it already runs; returns whether it was started now. */
  async start(onProgress: (message: string) => void): Promise<boolean> {
    const current = await this.status();
    if (current.state === 'running' || current.state === 'external') return false;
    if (current.state === 'starting') {
      onProgress(`already starting (pid ${current.pid}), waiting until ready`);
      await this.waitReady(current.pid as number);
      return false;
    }
    for (const port of this.definition.ports) {
      if (await portInUse(port)) {
        throw new SluiceError(
          'ING_STACK_PORT_TAKEN',
          `${this.name}: port ${port} on 127.0.0.1 is in use by a process sluice did not start; ` +
            `stop it, or choose another port (see \`sluice config\`)${this.definition.envVar ? `, or point ${this.definition.envVar} at that server` : ''}`,
        );
      }
    }
    mkdirSync(this.dir, { recursive: true });
    await this.definition.prepare(this.dir);
    const launch = this.definition.launch(this.dir);
    const log = openSync(this.logFile, 'a');
    const child = spawn(launch.command, launch.args, {
      cwd: this.dir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...launch.env },
      uid: launch.uid,
      gid: launch.gid,
    });
    closeSync(log);
    const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
    await Promise.race([new Promise((ok) => child.once('spawn', ok)), spawnError]).catch((err: unknown) => {
      throw new SluiceError('ING_STACK_START_FAILED', `${this.name}: cannot run ${launch.command}`, {
        cause: err,
      });
    });
    child.unref();
    writeFileSync(this.pidFile, `${child.pid}\n`);
    onProgress(`started (pid ${child.pid}), waiting until ready`);
    await this.waitReady(child.pid as number);
    return true;
  }

  /** The last lines of the server's output and of its error log, for a start that failed. */
  private lastLines(): string {
    const errorLog = this.definition.errorLog?.(this.dir);
    return [this.logFile, ...(errorLog ? [errorLog] : [])]
      .map((file) => `last lines of ${file}:\n${tail(file)}`)
      .join('\n');
  }

  private async waitReady(pid: number): Promise<void> {
    const deadline = Date.now() + this.definition.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (!isOurProcess(pid, this.marker)) {
        throw new SluiceError(
          'ING_STACK_START_FAILED',
          `${this.name} exited during start-up; ${this.lastLines()}`,
        );
      }
      if (await this.definition.probe().catch(() => false)) {
        await this.definition.afterReady?.();
        return;
      }
      await sleep(250);
    }
    throw new SluiceError(
      'ING_STACK_START_FAILED',
      `${this.name} was not ready after ${this.definition.readyTimeoutMs / 1000}s; ${this.lastLines()}`,
    );
  }

  /** SIGTERM, then SIGKILL after the grace period; returns whether a process was stopped. */
  async stop(graceMs = 20_000): Promise<boolean> {
    const pid = this.livePid();
    rmSync(this.pidFile, { force: true });
    if (pid === undefined) return false;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && isOurProcess(pid, this.marker)) await sleep(100);
    if (isOurProcess(pid, this.marker)) process.kill(pid, 'SIGKILL');
    while (isOurProcess(pid, this.marker)) await sleep(50);
    return true;
  }
}
