import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { passwordFile } from '../cli/stack/clickhouse.ts';
import { type ApiKeyRole, createApiKey, revokeApiKey } from '../lib/api-keys.ts';
import { nodeFlagsOf } from '../lib/component.ts';
import { projectRoot, sluiceHome } from '../lib/config.ts';

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

function cliEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...withoutConnections(), ...env };
}

/** The `sluice` CLI as development runs it: the TypeScript sources through tsx (tests run these). */
export const sourceCli = join(projectRoot, 'bin', 'sluice.mjs');

/**
 * The compiled CLI (`npm run build`), as npm start and production run it: a benchmark measures
 * that (under tsx every process also holds its loader and the transpiled modules, ~45 MiB more
 * RSS a process). `sluice bench` builds it first.
 */
export function compiledCli(): string {
  const entry = join(projectRoot, 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build (npm run bench builds it)`);
  return entry;
}

/** Runs the `sluice` CLI as a user would, without inheriting connection variables unless given. */
export function sluice(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [sourceCli, ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: cliEnvironment(env),
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `sluice` without blocking this process (which may serve what the command talks to, or keep a
 * load running meanwhile); connection variables are not inherited unless given.
 */
export async function sluiceAsync(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [sourceCli, ...args], {
    cwd: projectRoot,
    env: cliEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [status] = (await once(child, 'exit')) as [number | null];
  return { status, stdout, stderr };
}

/** A fresh API key for one test; revoke it with the returned function. */
export async function testApiKey(
  pool: pg.Pool,
  roles: ApiKeyRole[],
): Promise<{ key: string; revoke: () => Promise<void> }> {
  const created = await createApiKey(pool, { name: `test-${uniqueSuffix()}`, roles });
  return {
    key: created.key,
    revoke: async () => {
      await revokeApiKey(pool, created.prefix);
    },
  };
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * The local stack's `default` user, for tests that make databases of their own (the sinks' user
 * stops at the sluice database): undefined when the stack under `home` is not a local one.
 */
export function localClickHouseAdmin(home = sluiceHome()): { user: string; password: string } | undefined {
  const file = passwordFile(home);
  return existsSync(file) ? { user: 'default', password: readFileSync(file, 'utf8').trim() } : undefined;
}

/**
 * Checks that a container of the Sluice image runs `sluice <args>` with the V8 flags `sluice run`
 * would start it with (`nodeFlagsOf`): its NODE_OPTIONS, or the image's when it sets none.
 */
export function assertContainerNodeFlags(
  args: string[],
  nodeOptions: string | undefined,
  where: string,
): void {
  // one-shot commands run with the image's flags (`collect` starts itself again with its own)
  if (args[0] !== 'run') return;
  const image = /NODE_OPTIONS="([^"]*)"/.exec(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'))?.[1];
  const v8Flags = (options: string) =>
    options
      .split(/\s+/)
      .filter((flag) => flag !== '--enable-source-maps' && flag !== '')
      .sort();
  assert.deepEqual(
    v8Flags(nodeOptions ?? image ?? ''),
    [...nodeFlagsOf(args[1] ?? '')].sort(),
    `${where}: V8 flags of sluice ${args.join(' ')}`,
  );
}
