import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { mqttLibrary } from '../../lib/mqtt.ts';
import { ensureDebianPackage } from './install.ts';
import type { ServiceDefinition } from './service.ts';
import type { StackSettings } from './settings.ts';
import { renderTemplate } from './template.ts';

const binary = '/usr/sbin/mosquitto';

export function mosquittoService(settings: StackSettings): ServiceDefinition {
  const url = `mqtt://127.0.0.1:${settings.mosquittoPort}`;
  return {
    name: 'mosquitto',
    envVar: 'MQTT_URL',
    connection: { MQTT_URL: url },
    url,
    ports: [settings.mosquittoPort],
    readyTimeoutMs: 20_000,
    async install() {
      ensureDebianPackage('mosquitto', binary);
    },
    async prepare(dir) {
      mkdirSync(join(dir, 'data'), { recursive: true });
      renderTemplate('mosquitto/mosquitto.conf', join(dir, 'mosquitto.conf'), {
        DIR: dir,
        PORT: settings.mosquittoPort,
        USER: userInfo().username,
      });
    },
    launch(dir) {
      return { command: binary, args: ['-c', join(dir, 'mosquitto.conf')] };
    },
    async probe() {
      const client = await mqttLibrary().connectAsync(url, {
        connectTimeout: 2000,
        reconnectPeriod: 0,
        clientId: `sluice-probe-${process.pid}`,
      });
      await client.endAsync();
      return true;
    },
  };
}
