import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

const database = 'sluice';
const serverBinary = '/usr/sbin/clickhouse-server';

async function query(base: string, sql: string): Promise<string> {
  const response = await fetch(`${base}/?query=${encodeURIComponent(sql)}`, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`ClickHouse answered ${response.status}: ${body.trim()}`);
  return body;
}

export function clickhouseService(settings: StackSettings): ServiceDefinition {
  const base = `http://127.0.0.1:${settings.clickhousePort}`;
  return {
    name: 'clickhouse',
    envVar: 'CLICKHOUSE_URL',
    connection: { CLICKHOUSE_URL: base, CLICKHOUSE_DATABASE: database },
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
      const values = { DIR: dir, HTTP_PORT: settings.clickhousePort, TCP_PORT: settings.clickhouseTcpPort };
      renderTemplate('clickhouse/config.xml', join(dir, 'config.xml'), values);
      renderTemplate('clickhouse/users.xml', join(dir, 'users.xml'), values);
    },
    launch(dir) {
      return { command: serverBinary, args: [`--config-file=${join(dir, 'config.xml')}`] };
    },
    probe: async () => (await query(base, 'SELECT 1')).trim() === '1',
    async afterReady() {
      await query(base, `CREATE DATABASE IF NOT EXISTS ${database}`);
    },
    external: (value) => ({
      CLICKHOUSE_URL: value,
      CLICKHOUSE_DATABASE: process.env.CLICKHOUSE_DATABASE ?? database,
    }),
  };
}
