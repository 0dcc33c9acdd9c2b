import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Whether a V8 flag is one of `names` (`--name` or `--name=value`). */
const isOneOf = (flag: string, names: readonly string[]) =>
  names.some((name) => flag === name || flag.startsWith(`${name}=`));

/**
 * Runs this same command again in a child whose V8 flags are `wanted` instead of any of `replaced`
 * (V8 reads them only at start), unless this process has them already; passes on the child's exit
 * code. Flags given through NODE_OPTIONS (the Docker image's) are replaced too. Answers whether the
 * child ran (the caller then returns). The child has an IPC channel only so that it notices if
 * this process dies, even by SIGKILL: it should then exit too (`process.once('disconnect', …)`).
 */
export async function rerunWithNodeFlags(
  wanted: readonly string[],
  replaced: readonly string[],
): Promise<boolean> {
  const options = (process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const keptOptions = options.filter((flag) => !isOneOf(flag, replaced));
  const flags = [...process.execArgv.filter((flag) => !isOneOf(flag, replaced)), ...wanted];
  const unchanged =
    keptOptions.length === options.length &&
    flags.length === process.execArgv.length &&
    flags.every((flag) => process.execArgv.includes(flag));
  if (unchanged) return false;
  const child = spawn(process.execPath, [...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: keptOptions.join(' ') },
  });
  // Ctrl-C reaches the child from the terminal; a signal sent to this process is passed on
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const [code] = (await once(child, 'exit')) as [number | null];
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  process.exitCode = code ?? 1;
  return true;
}

/** A child started by rerunWithNodeFlags goes when the process the user started dies. */
export function exitWithParent(): void {
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel?.unref();
}
