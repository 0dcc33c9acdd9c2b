import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { componentNodeFlags } from '../lib/component.ts';
import { projectRoot } from '../lib/config.ts';

/** `sluice run <name> [args…]` in its own process, as in production, with these settings. */
export function startProducer(
  name: string,
  settings: Record<string, string>,
  args: string[] = [],
  nodeFlags: string[] = [],
): ChildProcess {
  return spawn(
    process.execPath,
    [...componentNodeFlags, ...nodeFlags, join(projectRoot, 'bin', 'sluice.mjs'), 'run', name, ...args],
    {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', ...settings },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
}
