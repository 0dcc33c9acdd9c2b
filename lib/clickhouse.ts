import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { defineSettings, loadSettings, type SettingsOf, setting, str, url } from './config.ts';

export const clickhouseSettings = defineSettings('clickhouse', {
  url: setting(
    'CLICKHOUSE_URL',
    url(['http', 'https']),
    'http://127.0.0.1:18123',
    'ClickHouse HTTP endpoint.',
  ),
  database: setting('CLICKHOUSE_DATABASE', str, 'sluice', 'ClickHouse database holding the Sluice tables.'),
  user: setting('CLICKHOUSE_USER', str, 'default', 'ClickHouse user.'),
  password: setting('CLICKHOUSE_PASSWORD', z.string(), '', 'ClickHouse password (empty for none).'),
});

export type ClickHouseSettings = SettingsOf<typeof clickhouseSettings>;

export function createClickHouse(
  settings: ClickHouseSettings = loadSettings(clickhouseSettings),
): ClickHouseClient {
  return createClient({
    url: settings.url,
    database: settings.database,
    username: settings.user,
    password: settings.password,
  });
}
