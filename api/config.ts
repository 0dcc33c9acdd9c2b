import { defineSettings, port, type SettingsOf, setting, str } from '../lib/config.ts';

export const apiSettings = defineSettings('api', {
  host: setting(
    'API_HOST',
    str,
    '127.0.0.1',
    'Address the API listens on (0.0.0.0 to serve other machines).',
  ),
  port: setting('API_PORT', port, '8080', 'Port of the API, dashboard and /metrics.'),
});

export type ApiSettings = SettingsOf<typeof apiSettings>;

export function apiUrl(settings: ApiSettings): string {
  return `http://${settings.host}:${settings.port}`;
}
