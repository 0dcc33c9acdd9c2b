import { type ChildProcess, spawn } from 'node:child_process';
import { sluiceProcess } from '../lib/component.ts';
import { projectRoot } from '../lib/config.ts';
import { compiledCli } from '../test/support.ts';

/** `sluice run <name> [args…]` in its own process, as in production (`sluiceProcess`), with these settings. */
export function startProducer(
  name: string,
  settings: Record<string, string>,
  args: string[] = [],
  nodeFlags: string[] = [],
): ChildProcess {
  const launch = sluiceProcess(compiledCli(), ['run', name, ...args], {
    ...process.env,
    LOG_LEVEL: 'warn',
    ...settings,
  });
  return spawn(launch.command, [...nodeFlags, ...launch.args], {
    cwd: projectRoot,
    env: launch.env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** A process a benchmark stops and starts again (to queue a backlog for it, say): `start` spawns it. */
export class RestartableProcess {
  private process: ChildProcess;

  constructor(
    readonly name: string,
    private readonly start: () => ChildProcess,
  ) {
    this.process = start();
  }

  pid(): number {
    return this.process.pid as number;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    await new Promise((resolve) => this.process.once('exit', resolve));
  }

  restart(): void {
    this.process = this.start();
  }
}
