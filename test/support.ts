import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../lib/config.ts';

/** A short random suffix so tests sharing the local stack never see each other's data. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Distinct free ports: every listener stays open until all are chosen, so the OS cannot hand one out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolveServer, reject) => {
          const server = createServer().listen(0, '127.0.0.1', () => resolveServer(server));
          server.once('error', reject);
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((closed) => server.close(closed))));
  return ports;
}

const connectionVariables = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'DATABASE_URL',
  'CLICKHOUSE_URL',
  'MQTT_URL',
];

function cliEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of connectionVariables) delete childEnv[name];
  return { ...childEnv, ...env };
}

const cli = join(projectRoot, 'bin', 'sluice.mjs');

/** Runs the `sluice` CLI as a user would, without inheriting connection variables unless given. */
export function sluice(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: cliEnvironment(env),
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `sluice` without blocking this process (which may serve what the command talks to). */
export async function sluiceAsync(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: projectRoot, env: cliEnvironment(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stdout, stderr };
}
