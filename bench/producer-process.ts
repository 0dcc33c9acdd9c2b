import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { nodeFlagsOf, sluiceProcess } from '../lib/component.ts';
import { projectRoot } from '../lib/config.ts';
import { compiledCli } from '../test/support.ts';

/**
 * `sluice <args>` of the compiled CLI in its own process, as production starts one
 * (`sluiceProcess`; `nodeFlags` instead of the command's own).
 */
export function spawnCompiled(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: StdioOptions,
  nodeFlags?: string[],
): ChildProcess {
  const launch = sluiceProcess(compiledCli(), args, env, nodeFlags);
  return spawn(launch.command, launch.args, { cwd: projectRoot, env: launch.env, stdio });
}

/** `sluice run <name> [args…]` in its own process, as in production, with these settings (and extra V8 flags). */
export function startProducer(
  name: string,
  settings: Record<string, string>,
  args: string[] = [],
  nodeFlags: string[] = [],
): ChildProcess {
  return spawnCompiled(
    ['run', name, ...args],
    { ...process.env, LOG_LEVEL: 'warn', ...settings },
    ['ignore', 'inherit', 'inherit'],
    [...nodeFlagsOf(name), ...nodeFlags],
  );
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
