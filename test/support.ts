import { spawnSync } from 'node:child_process';
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
  'CLICKHOUSE_URL',
  'MQTT_URL',
];

/** Runs the `sluice` CLI as a user would, without inheriting connection variables unless given. */
export function sluice(args: string[], env: Record<string, string> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of connectionVariables) delete childEnv[name];
  const result = spawnSync(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...childEnv, ...env },
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
