import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { projectRoot } from '../lib/config.ts';

/** A short random suffix so tests sharing the local stack never see each other's data. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

const connectionVariables = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'DATABASE_URL',
  'DATABASE_OWNER_URL',
  'DATABASE_READER_URL',
  'CLICKHOUSE_URL',
  'CLICKHOUSE_DATABASE',
  'CLICKHOUSE_USER',
  'CLICKHOUSE_PASSWORD',
  'MQTT_URL',
];

/** This process's environment without the connection variables: a child finds its stack by SLUICE_HOME. */
export function withoutConnections(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...env, NO_COLOR: '1' };
  for (const name of connectionVariables) delete childEnv[name];
  return childEnv;
}

/** Runs the `sluice` CLI as a user would, without inheriting connection variables unless given. */
export function sluice(args: string[], env: Record<string, string> = {}) {
  const childEnv = withoutConnections();
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...childEnv, ...env },
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the `sluice` CLI with exactly this environment without blocking the event loop (a load, or a
 * server the command talks to, keeps running in this process meanwhile).
 */
export function sluiceInBackground(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = { status: null as number | null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => {
    result.stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    result.stderr += chunk;
  });
  return new Promise((resolveExit) =>
    child.once('exit', (code) => {
      result.status = code;
      resolveExit(result);
    }),
  );
}
