import type { IClientOptions, MqttClient } from 'mqtt';
import { defineSettings, setting, url } from './config.ts';
import { describeError, settingError } from './errors.ts';
import { lazyModule } from './lazy-module.ts';
import type { Logger } from './logger.ts';

/** mqtt.js, loaded by the first client (components without MQTT never load it). */
export const mqttLibrary = lazyModule<typeof import('mqtt')>('mqtt');

export const mqttSettings = defineSettings('mqtt', {
  url: setting(
    'MQTT_URL',
    url(['mqtt', 'mqtts', 'ws', 'wss']),
    'mqtt://127.0.0.1:11883',
    'MQTT broker the bridge subscribes to.',
  ),
});

/**
 * The one MQTT client factory: its 'error' events are logged (an unhandled one would end the
 * process), and `connected` resolves on the first CONNACK or rejects with one line naming MQTT_URL.
 */
export function createMqttClient(
  brokerUrl: string,
  options: IClientOptions,
  logger: Logger,
): { client: MqttClient; connected: Promise<void> } {
  const client = mqttLibrary().connect(brokerUrl, options);
  client.on('error', (err) => logger.debug({ err: describeError(err) }, 'MQTT client error'));
  const connected = new Promise<void>((resolveConnected, reject) => {
    const onError = (err: Error) => {
      client.off('connect', onConnect);
      reject(settingError('MQTT_URL', brokerUrl, err, 'ING_NETWORK'));
    };
    const onConnect = () => {
      client.off('error', onError);
      resolveConnected();
    };
    client.once('connect', onConnect);
    client.once('error', onError);
  });
  connected.catch(() => {});
  return { client, connected };
}
