import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import { loadSettings } from '../lib/config.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { rawTopicEnd, type TopicPosition } from '../producers/testing.ts';
import { startProducer } from './producer-process.ts';

/**
 * What the MQTT bridge benchmarks share: the bridge in its own process (as in production), MQTT
 * publishers, and watching the raw topic's end offsets for what landed. Each benchmark measures
 * twice: live (publishers and bridge at once) and a backlog drained by the bridge alone, queued
 * in its persistent session while it was stopped.
 */

export const brokerUrl = loadSettings(mqttSettings).url;

function total(position: TopicPosition): number {
  return position.reduce((sum, { offset }) => sum + Number(offset), 0);
}

/** Raw events in Kafka now, over all partitions. */
async function rawEvents(kafka: Kafka): Promise<number> {
  return total(await rawTopicEnd(kafka));
}

export class BridgeProcess {
  private process: ChildProcess;

  constructor(private readonly settings: Record<string, string>) {
    this.process = startProducer('mqtt-bridge', settings);
  }

  async stop(): Promise<void> {
    this.process.kill('SIGTERM');
    await new Promise((resolve) => this.process.once('exit', resolve));
  }

  restart(): void {
    this.process = startProducer('mqtt-bridge', this.settings);
  }
}

export function connectPublishers(count: number, prefix: string): Promise<MqttClient[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => mqtt.connectAsync(brokerUrl, { clientId: `${prefix}-pub-${i}` })),
  );
}

/** Publishes `probe` every 500 ms until something reaches Kafka: the bridge is then subscribed. */
export async function waitUntilBridging(kafka: Kafka, probe: () => Promise<unknown>): Promise<void> {
  const before = await rawEvents(kafka);
  for (let attempt = 0; ; attempt++) {
    if (attempt > 120) throw new Error('the bridge did not start in 60 s');
    await probe();
    await sleep(500);
    if ((await rawEvents(kafka)) > before) break;
  }
  await sleep(1000);
}

/** Polls Kafka until `count` more events than `before` landed (or 120 s); when the first and the last landed. */
async function landing(
  kafka: Kafka,
  before: number,
  count: number,
): Promise<{ landed: number; firstAt: number; doneAt: number }> {
  let landed = 0;
  let firstAt = 0;
  const started = performance.now();
  while (landed < count && performance.now() - started < 120_000) {
    await sleep(50);
    landed = (await rawEvents(kafka)) - before;
    if (landed > 0 && firstAt === 0) firstAt = performance.now();
  }
  return { landed, firstAt, doneAt: performance.now() };
}

/** Events per second from `from` (ms, performance.now) to the last landing. */
function rate(events: number, from: number, to: number): string {
  return Math.round(events / ((to - from) / 1000)).toLocaleString('en');
}

/**
 * Publishes twice with `publish` (which returns how many events it sent): live, with the bridge
 * running, then as a backlog queued while the bridge is stopped and drained once it is back.
 */
export async function liveAndBacklog(
  kafka: Kafka,
  bridge: BridgeProcess,
  publish: (round: 'live' | 'backlog') => Promise<number>,
  units: { sent: string; landed: string; rate: string },
): Promise<[string, string, string][]> {
  const before = await rawEvents(kafka);
  const started = performance.now();
  const sentLive = await publish('live');
  const published = performance.now();
  const live = await landing(kafka, before, sentLive);
  // The bridge alone: with it stopped its persistent session queues a backlog in Mosquitto, which
  // it drains once restarted, without publishers sharing the machine's cores with it.
  await bridge.stop();
  const beforeBacklog = await rawEvents(kafka);
  const sentBacklog = await publish('backlog');
  bridge.restart();
  const drained = await landing(kafka, beforeBacklog, sentBacklog);
  return [
    [`${units.sent} published (QoS 1), live`, sentLive.toLocaleString('en'), units.sent],
    [`${units.landed} in Kafka, live`, live.landed.toLocaleString('en'), units.landed],
    ['publish rate into Mosquitto, live', rate(sentLive, started, published), units.rate],
    ['bridge rate, live (first publish → all in Kafka)', rate(live.landed, started, live.doneAt), units.rate],
    ['backlog queued in Mosquitto, bridge stopped', sentBacklog.toLocaleString('en'), units.sent],
    [`${units.landed} in Kafka, backlog`, drained.landed.toLocaleString('en'), units.landed],
    [
      'bridge rate, backlog drain (first → last in Kafka)',
      rate(drained.landed, drained.firstAt, drained.doneAt),
      units.rate,
    ],
  ];
}

export function printRows(title: string, rows: [string, string, string][]): void {
  process.stdout.write(`\n${title}\n\n`);
  process.stdout.write(`${'metric'.padEnd(52)} ${'value'.padStart(10)}  unit\n`);
  for (const [metric, value, unit] of rows)
    process.stdout.write(`${metric.padEnd(52)} ${value.padStart(10)}  ${unit}\n`);
  process.stdout.write('\n(Kafka offsets include anything else produced to the shared topic meanwhile.)\n');
}
