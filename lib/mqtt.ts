import { defineSettings, setting, url } from './config.ts';

export const mqttSettings = defineSettings('mqtt', {
  url: setting(
    'MQTT_URL',
    url(['mqtt', 'mqtts', 'ws', 'wss']),
    'mqtt://127.0.0.1:11883',
    'MQTT broker the bridge subscribes to.',
  ),
});
