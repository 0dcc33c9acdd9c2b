import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceHome } from '../../lib/config.ts';
import { ensureDebianPackage } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

const database = 'sluice';
const serverBinary = '/usr/sbin/clickhouse-server';
/** The sinks' user (the sluice database only); `default` is kept for the launcher alone. */
const user = { name: 'sluice', password: 'sluice' };

/** The `default` user's password: random, made once per data dir, known only to the launcher. */
function defaultPassword(dir: string): string {
  const file = join(dir, 'default.password');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function query(base: string, sql: string, password: string): Promise<string> {
  const response = await fetch(`${base}/?query=${encodeURIComponent(sql)}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`default:${password}`).toString('base64')}` },
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`ClickHouse answered ${response.status}: ${body.trim()}`);
  return body;
}

/**
 * The local stack's `default` user, for tests that make databases of their own (the sinks' user
 * stops at the sluice database): undefined when the stack under `home` is not a local one.
 */
export function localClickHouseAdmin(home = sluiceHome()): { user: string; password: string } | undefined {
  const file = join(home, 'clickhouse', 'default.password');
  return existsSync(file) ? { user: 'default', password: readFileSync(file, 'utf8').trim() } : undefined;
}

export function clickhouseService(settings: StackSettings, dir: string): ServiceDefinition {
  const base = `http://127.0.0.1:${settings.clickhousePort}`;
  const admin = (sql: string) => query(base, sql, defaultPassword(dir));
  return {
    name: 'clickhouse',
    envVar: 'CLICKHOUSE_URL',
    connection: {
      CLICKHOUSE_URL: base,
      CLICKHOUSE_DATABASE: database,
      CLICKHOUSE_USER: user.name,
      CLICKHOUSE_PASSWORD: user.password,
    },
    url: base,
    detail: `native port ${settings.clickhouseTcpPort}`,
    ports: [settings.clickhousePort, settings.clickhouseTcpPort],
    readyTimeoutMs: 60_000,
    async install() {
      ensureDebianPackage('clickhouse-server', serverBinary);
      ensureDebianPackage('clickhouse-client', '/usr/bin/clickhouse-client');
    },
    async prepare(dir) {
      for (const sub of ['log', 'data', 'tmp', 'user_files', 'format_schemas'])
        mkdirSync(join(dir, sub), { recursive: true });
      const values = {
        DIR: dir,
        HTTP_PORT: settings.clickhousePort,
        TCP_PORT: settings.clickhouseTcpPort,
        DEFAULT_PASSWORD_HASH: createHash('sha256').update(defaultPassword(dir)).digest('hex'),
      };
      renderTemplate('clickhouse/config.xml', join(dir, 'config.xml'), values);
      renderTemplate('clickhouse/users.xml', join(dir, 'users.xml'), values);
    },
    launch(dir) {
      return { command: serverBinary, args: [`--config-file=${join(dir, 'config.xml')}`] };
    },
    probe: async () => (await admin('SELECT 1')).trim() === '1',
    async afterReady() {
      await admin(`CREATE DATABASE IF NOT EXISTS ${database}`);
    },
    external: (value) => ({
      CLICKHOUSE_URL: value,
      CLICKHOUSE_DATABASE: process.env.CLICKHOUSE_DATABASE ?? database,
    }),
  };
}
