/**
 * What a benchmark's processes cost: resident memory and CPU time read from /proc, for one process,
 * a process with all its descendants (PostgreSQL's backends, a JVM's threads), or a set of named
 * processes over a phase.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceHome } from '../lib/config.ts';

const clockTicks = 100;
const pageBytes = 4096;

/** The fields of /proc/<pid>/stat after the command name (utime is [11], stime [12], rss pages [21]). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** Resident bytes of one process now. */
export function rssOf(pid: number): number {
  return statusKiB(pid, 'VmRSS') * 1024;
}

/** Peak resident bytes of one process so far (VmHWM). */
export function peakRssOf(pid: number): number {
  return statusKiB(pid, 'VmHWM') * 1024;
}

/** CPU seconds (user + system, all threads) one process used so far. */
export function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** CPU seconds every CPU of the machine spent not idle so far (/proc/stat), whoever used them. */
export function machineCpuSeconds(): number {
  const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks
  );
}

export interface ProcessSample {
  rss: number;
  cpuSeconds: number;
}

/** Every live process's children, by parent pid. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(statFields(Number(entry))[1]);
      const siblings = children.get(ppid);
      if (siblings) siblings.push(Number(entry));
      else children.set(ppid, [Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** The pids of a process's direct children (a cluster's workers). */
export function childPids(parent: number): number[] {
  return childrenByParent().get(parent) ?? [];
}

/** What a Sluice process runs: its command line after `run` (`sink clickhouse`), or its whole command line. */
export function commandOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const run = args.indexOf('run');
    return (run >= 0 ? args.slice(run + 1) : args).join(' ');
  } catch {
    return `pid ${pid}`;
  }
}

/** Resident bytes and CPU seconds of each root with all its live descendants, from one scan of /proc. */
export function processTrees(roots: readonly number[]): ProcessSample[] {
  const children = childrenByParent();
  return roots.map((root) => {
    const sample = { rss: 0, cpuSeconds: 0 };
    const visit = (pid: number) => {
      try {
        const fields = statFields(pid);
        sample.cpuSeconds += (Number(fields[11]) + Number(fields[12])) / clockTicks;
        sample.rss += Number(fields[21]) * pageBytes;
      } catch {
        return;
      }
      for (const child of children.get(pid) ?? []) visit(child);
    };
    visit(root);
    return sample;
  });
}

/** Resident bytes and CPU seconds of a process and all its live descendants. */
export function processTree(root: number): ProcessSample {
  return processTrees([root])[0] as ProcessSample;
}

export interface PhaseReport {
  seconds: number;
  /** Every CPU of the machine, whoever used it. */
  machineCpuSeconds: number;
  processes: Record<string, PhaseResources>;
}

export interface PhaseResources {
  peakMiB: number;
  /** Mean cores used over the phase. */
  cpuCores: number;
  cpuSeconds: number;
}

/**
 * Samples named process trees once a second over a phase: each one's peak memory and CPU, and
 * the whole machine's CPU (every process, involved or not).
 */
export class ResourceWatch {
  private readonly peaks = new Map<string, number>();
  private readonly startCpu = new Map<string, number>();
  private startMachineCpu = 0;
  private startedAt = Date.now();
  private timer?: NodeJS.Timeout;

  /** `alone`: the names measured without their descendants (a benchmark that started the others). */
  constructor(
    private readonly pids: () => Map<string, number>,
    private readonly alone: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * Each named process (its tree unless `alone`), from one scan of /proc; one that has ended is
   * left out (the benchmark reports the exit: its figures would be nonsense).
   */
  private measure(): Map<string, ProcessSample> {
    const named = [...this.pids()];
    const trees = processTrees(named.map(([, pid]) => pid));
    const measured = new Map<string, ProcessSample>();
    named.forEach(([name, pid], i) => {
      if (!this.alone.has(name)) measured.set(name, trees[i] as ProcessSample);
      else if (existsSync(`/proc/${pid}`))
        measured.set(name, { rss: rssOf(pid), cpuSeconds: cpuSecondsOf(pid) });
    });
    return measured;
  }

  begin(): void {
    this.peaks.clear();
    this.startCpu.clear();
    this.startedAt = Date.now();
    this.startMachineCpu = machineCpuSeconds();
    for (const [name, { cpuSeconds }] of this.measure()) this.startCpu.set(name, cpuSeconds);
    this.timer = setInterval(() => this.sample(), 1000);
  }

  private sample(): void {
    for (const [name, { rss }] of this.measure())
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, rss));
  }

  /** Per process tree since begin(), and the whole machine's CPU over the same time. */
  end(): PhaseReport {
    clearInterval(this.timer);
    this.sample();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const processes: Record<string, PhaseResources> = {};
    for (const [name, { cpuSeconds }] of this.measure()) {
      const cpu = cpuSeconds - (this.startCpu.get(name) ?? 0);
      processes[name] = {
        peakMiB: Math.round((this.peaks.get(name) ?? 0) / 2 ** 20),
        cpuCores: Math.round((cpu / seconds) * 100) / 100,
        cpuSeconds: Math.round(cpu * 100) / 100,
      };
    }
    const machineCpu = machineCpuSeconds() - this.startMachineCpu;
    return { seconds, machineCpuSeconds: Math.round(machineCpu * 100) / 100, processes };
  }
}

export type StackServer = 'kafka' | 'registry' | 'postgres' | 'clickhouse';

/** The pid of a server of this checkout's stack (`sluice stack up`), or undefined while it does not run. */
export function stackServerPid(server: StackServer): number | undefined {
  const file =
    server === 'postgres'
      ? join(sluiceHome(), 'postgres', 'data', 'postmaster.pid')
      : join(sluiceHome(), server, 'pid');
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of a server of this checkout's stack, which a benchmark needs running. */
export function runningStackServerPid(server: StackServer): number {
  const pid = stackServerPid(server);
  if (pid === undefined) throw new Error(`the stack's ${server} does not run (sluice stack up)`);
  return pid;
}

/**
 * Samples a process tree (a child the bench runs) every `everyMs` until `stop()`: its peak RSS and
 * its CPU seconds as last seen (a process that exited cannot be read any more).
 */
export function sampleTree(pid: number, everyMs = 100): { stop(): ProcessSample } {
  const seen = { rss: 0, cpuSeconds: 0 };
  const timer = setInterval(() => {
    const sample = processTree(pid);
    seen.rss = Math.max(seen.rss, sample.rss);
    seen.cpuSeconds = Math.max(seen.cpuSeconds, sample.cpuSeconds);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return seen;
    },
  };
}
