import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { componentNodeFlags } from '../../lib/component.ts';
import { parseEnvFile, projectRoot } from '../../lib/config.ts';

const cli = join(projectRoot, 'bin', 'sluice.mjs');

/** Variables that would point a child at the developer's own stack instead of the test's. */
const connectionVariables = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'DATABASE_URL',
  'CLICKHOUSE_URL',
  'CLICKHOUSE_DATABASE',
  'CLICKHOUSE_CLUSTER',
  'MQTT_URL',
];

/**
 * A stack of its own for a cluster test or benchmark: servers on the given ports under a fresh
 * SLUICE_HOME, Sluice processes started in it as an operator would (`sluice run …`), each logging
 * to a file there; `close` stops every process and server it started, by pid, and removes the home.
 */
export class PrivateStack {
  readonly home = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
  private readonly children = new Set<ChildProcess>();

  constructor(readonly settings: Record<string, string>) {
    // PostgreSQL runs as its own user when we are root: it must reach its data dir under here
    chmodSync(this.home, 0o755);
  }

  /** The environment of a process of this stack: its settings, its home, nothing of the developer's stack. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'info' };
    for (const name of connectionVariables) delete env[name];
    return { ...env, ...this.settings, SLUICE_HOME: this.home, ...extra };
  }

  /** The connection variables `stack up` wrote (KAFKA_BROKERS…), for clients in the test itself. */
  connection(): Record<string, string> {
    return parseEnvFile(readFileSync(join(this.home, 'env'), 'utf8'));
  }

  /** Runs a `sluice` command to its end; throws with its output when it fails. */
  sluice(args: string[], extra: Record<string, string> = {}): string {
    const result = spawnSync(process.execPath, [cli, ...args], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: this.env(extra),
      timeout: 300_000,
    });
    if (result.status !== 0)
      throw new Error(`sluice ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return `${result.stdout}${result.stderr}`;
  }

  /** Starts `sluice <args>` in the background (a component, with --instances for several). */
  start(label: string, args: string[], extra: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, [...componentNodeFlags, cli, ...args], {
      cwd: projectRoot,
      env: this.env(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(this.logFile(label), { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  logFile(label: string): string {
    return join(this.home, `${label}.log`);
  }

  /** The last lines of a process's log, for failure messages. */
  tail(label: string, lines = 20): string {
    try {
      return readFileSync(this.logFile(label), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** The pid of a stack server (from its pid file under the home). */
  serverPid(service: string): number {
    return Number(readFileSync(join(this.home, service, 'pid'), 'utf8').trim());
  }

  async close(): Promise<void> {
    for (const child of [...this.children]) await stopProcess(child, 'SIGTERM', 20_000);
    try {
      this.sluice(['stack', 'down']);
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}

/** Sends a signal and waits for the exit; SIGKILL after `graceMs`. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs = 20_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The worker processes of a supervisor (`--instances`): its children that run node. */
export function workerPids(supervisor: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // the comm may hold spaces or parentheses: the ppid is the second field after the last ')'
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === supervisor;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Waits until `count` workers of a supervisor run (a replaced one is back), polling. */
export async function waitForWorkers(
  supervisor: number,
  count: number,
  timeoutMs = 120_000,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = workerPids(supervisor);
    if (pids.length >= count) return pids;
    if (Date.now() > deadline)
      throw new Error(`only ${pids.length} of ${count} workers of ${supervisor} run`);
    await sleep(250);
  }
}

/** CPU seconds (user + system) a process and its live descendants have used so far. */
export function cpuSeconds(pid: number): number {
  const ticksPerSecond = 100;
  let total = 0;
  const visit = (current: number) => {
    try {
      const stat = readFileSync(`/proc/${current}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14–17 of stat, 12–15 after the comm
      total +=
        (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
    } catch {
      return;
    }
    for (const child of workerPids(current)) visit(child);
  };
  visit(pid);
  return total;
}
