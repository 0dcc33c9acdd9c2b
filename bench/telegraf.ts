import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sluiceCache } from '../lib/config.ts';
import { RestartableProcess } from './producer-process.ts';

/**
 * Telegraf, the MQTT bridge's peer: built once from its Go module with only the plugins the
 * benchmark needs and cached under the Sluice cache, keyed by the pinned version.
 */

const version = 'v1.37.2';
const module = 'github.com/influxdata/telegraf';
const plugins = 'custom,inputs.mqtt_consumer,outputs.kafka,parsers.json,serializers.json';

/** The cached binary, built first when missing (`go mod download` + `go build`, about a minute). */
export function telegrafBinary(): string {
  const dir = join(sluiceCache(), `telegraf-${version}`);
  const binary = join(dir, 'telegraf');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`building Telegraf ${version} (${plugins}) into ${dir}…\n`);
  const downloaded = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { encoding: 'utf8' }),
  ) as { Dir?: string; Error?: string };
  if (!downloaded.Dir) throw new Error(`go mod download ${module}@${version}: ${downloaded.Error}`);
  const building = `${binary}.building`;
  execFileSync(
    'go',
    [
      'build',
      '-tags',
      plugins,
      '-ldflags',
      `-X ${module}/internal.Version=${version.slice(1)}`,
      '-o',
      building,
      './cmd/telegraf',
    ],
    { cwd: downloaded.Dir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  renameSync(building, binary);
  return binary;
}

export interface TelegrafRoute {
  mqttUrl: string;
  /** MQTT topic filter of `<prefix>/sites/+/devices/+/metrics/+`. */
  filter: string;
  clientId: string;
  /** Unacknowledged QoS 1 messages it holds at once (the bridge's receive maximum). */
  maxUndelivered: number;
  brokers: string[];
  topic: string;
}

/**
 * The same guarantee as the bridge: a persistent session (clean_session=false, a client id), QoS 1,
 * each message acknowledged (PUBACK) only once outputs.kafka wrote it with acks=all (tracking metrics
 * bounded by max_undelivered_messages); the topic's site and device become tags and the device the
 * record key, as the bridge keys by device.
 */
export function telegrafConfig(route: TelegrafRoute): string {
  const segments = route.filter.split('/').length;
  const positions = (named: Record<number, string>) =>
    Array.from({ length: segments }, (_, i) => named[i] ?? '_').join('/');
  return `[agent]
  interval = "10s"
  metric_batch_size = 1000
  metric_buffer_limit = ${Math.max(10_000, route.maxUndelivered * 2)}
  flush_interval = "100ms"
  flush_jitter = "0s"
  omit_hostname = true
  quiet = true

[[inputs.mqtt_consumer]]
  servers = ["${route.mqttUrl.replace(/^mqtt:/, 'tcp:')}"]
  topics = ["${route.filter}"]
  qos = 1
  persistent_session = true
  client_id = "${route.clientId}"
  max_undelivered_messages = ${route.maxUndelivered}
  topic_tag = ""
  data_format = "json"
  json_string_fields = ["unit"]
  json_time_key = "ts"
  json_time_format = "unix_ms"
  [[inputs.mqtt_consumer.topic_parsing]]
    topic = "${route.filter}"
    measurement = "${positions({ [segments - 1]: 'measurement' })}"
    tags = "${positions({ [segments - 5]: 'site', [segments - 3]: 'device' })}"

[[outputs.kafka]]
  brokers = [${route.brokers.map((broker) => `"${broker}"`).join(', ')}]
  topic = "${route.topic}"
  routing_tag = "device"
  required_acks = -1
  max_retry = 10
  data_format = "json"
`;
}

/** Telegraf in its own process with `config` (written to `dir`), restartable so its persistent session can queue a backlog. */
export function telegrafProcess(binary: string, config: string, dir: string): RestartableProcess {
  const configFile = join(dir, 'telegraf.conf');
  writeFileSync(configFile, config);
  return new RestartableProcess('telegraf', () =>
    spawn(binary, ['--config', configFile], { stdio: ['ignore', 'inherit', 'inherit'] }),
  );
}
