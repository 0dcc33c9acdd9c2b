import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ProcessCommand } from '../lib/component-process.ts';
import { memoryEnv } from '../lib/memory.ts';

/** Whether a V8 flag is one of `names` (`--name` or `--name=value`). */
const isOneOf = (flag: string, names: readonly string[]) =>
  names.some((name) => flag === name || flag.startsWith(`${name}=`));

/**
 * Runs this same command again in a child whose V8 flags are `wanted` instead of any of `replaced`
 * (V8 reads them only at start) and `memoryEnv`, unless this process has those flags and that
 * environment already (the allocator is chosen at start too); passes on the child's exit
 * code. Flags given through NODE_OPTIONS (the Docker image's) are replaced too. Answers whether the
 * child ran (the caller then returns).
 */
export async function rerunWithNodeFlags(
  wanted: readonly string[],
  replaced: readonly string[],
): Promise<boolean> {
  const options = (process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const keptOptions = options.filter((flag) => !isOneOf(flag, replaced));
  const flags = [...process.execArgv.filter((flag) => !isOneOf(flag, replaced)), ...wanted];
  const env = memoryEnv({ ...process.env, NODE_OPTIONS: keptOptions.join(' ') });
  const unchanged =
    keptOptions.length === options.length &&
    flags.length === process.execArgv.length &&
    flags.every((flag) => process.execArgv.includes(flag)) &&
    Object.entries(env).every(([name, value]) => name === 'NODE_OPTIONS' || process.env[name] === value);
  if (unchanged) return false;
  process.exitCode = await runAttached({
    command: process.execPath,
    args: [...flags, ...process.argv.slice(1)],
    env,
  });
  return true;
}

/**
 * Runs `launch` as this process's child in its terminal until it exits; resolves with its exit
 * code. The child has an IPC channel only so that it notices if this process dies, even by
 * SIGKILL: it should then exit too (`exitWithParent`).
 */
export async function runAttached(launch: ProcessCommand): Promise<number> {
  const child = spawn(launch.command, launch.args, {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: launch.env,
  });
  // Ctrl-C reaches the child from the terminal; a signal sent to this process is passed on
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const [code] = (await once(child, 'exit')) as [number | null];
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  return code ?? 1;
}

/** A child started by runAttached goes when the process the user started dies. */
export function exitWithParent(): void {
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel?.unref();
}
