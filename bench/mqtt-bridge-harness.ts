import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import mqtt, { type MqttClient } from 'mqtt';
import { loadSettings, sluiceHome } from '../lib/config.ts';
import { topicWatermarks } from '../lib/kafka.ts';
import { mqttSettings } from '../lib/mqtt.ts';
import { topics } from '../schemas/catalog.ts';
import { RestartableProcess, startProducer } from './producer-process.ts';
import { type PhaseReport, peakRssOf, ResourceWatch } from './resources.ts';

/**
 * What the MQTT bridge benchmarks share: the bridge in its own process (as in production), MQTT
 * publishers, and watching a topic's high watermarks for what landed. Each consumer (the bridge,
 * its peer) is measured twice: live (publishers and consumer at once) and a backlog drained by the
 * consumer alone, queued in its persistent session while it was stopped.
 */

export const brokerUrl = loadSettings(mqttSettings).url;

/** Records in `topic` now, over all partitions (high watermarks: the raw topic by default). */
export async function topicRecords(kafka: Kafka, topic: string = topics.rawTelemetry.topic): Promise<number> {
  return (await topicWatermarks(kafka, topic)).reduce((sum, { high }) => sum + high, 0);
}

/**
 * The bridge in its own process with these settings, restartable so its persistent session can queue
 * a backlog. With `BENCH_CPU_PROFILE=<dir>` each start writes a `node --cpu-prof` profile there.
 */
export function bridgeProcess(settings: Record<string, string>): RestartableProcess {
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return new RestartableProcess('mqtt-bridge', () => startProducer('mqtt-bridge', settings, [], nodeFlags));
}

export function connectPublishers(count: number, prefix: string): Promise<MqttClient[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => mqtt.connectAsync(brokerUrl, { clientId: `${prefix}-pub-${i}` })),
  );
}

/** Publishes `probe` every 500 ms until something reaches Kafka (`records`): the consumer is then subscribed. */
export async function waitUntilBridging(
  records: () => Promise<number>,
  probe: () => Promise<unknown>,
): Promise<void> {
  const before = await records();
  for (let attempt = 0; ; attempt++) {
    if (attempt > 120) throw new Error('the consumer did not start in 60 s');
    await probe();
    await sleep(500);
    if ((await records()) > before) break;
  }
  await sleep(1000);
}

/**
 * Polls Kafka until `count` more records than `before` landed (or 120 s); when the first and the
 * last landed. `onFirst` runs as the first lands.
 */
async function landing(
  records: () => Promise<number>,
  before: number,
  count: number,
  onFirst: () => void = () => {},
): Promise<{ landed: number; firstAt: number; doneAt: number }> {
  let landed = 0;
  let firstAt = 0;
  const started = performance.now();
  while (landed < count && performance.now() - started < 120_000) {
    await sleep(50);
    landed = (await records()) - before;
    if (landed > 0 && firstAt === 0) {
      firstAt = performance.now();
      onFirst();
    }
  }
  return { landed, firstAt, doneAt: performance.now() };
}

export interface PhaseFigures {
  sent: number;
  landed: number;
  /** Landed per second: live from the first publish, a backlog from the first landing, to the last. */
  rate: number;
  /** CPU seconds, peak RSS (1 s samples) of the consumer and the servers over the phase, and the machine's CPU. */
  resources: PhaseReport;
  /** The consumer process's own peak resident MiB (VmHWM) at the end of the phase. */
  consumerPeakMiB: number;
}

export interface LiveAndBacklog {
  live: PhaseFigures & { publishRate: number };
  backlog: PhaseFigures;
}

/**
 * Measures a consumer twice with `publish` (which returns how many messages it sent), watching
 * `records` (what landed in Kafka) and the consumer's and `servers`' processes: live, with the
 * consumer running, then a backlog queued while it is stopped and drained once it is back, without
 * publishers sharing the machine's cores with it. The consumer is stopped at the end.
 */
export async function liveAndBacklog(
  consumer: RestartableProcess,
  records: () => Promise<number>,
  publish: (round: 'live' | 'backlog') => Promise<number>,
  servers: Map<string, number>,
): Promise<LiveAndBacklog> {
  const watch = new ResourceWatch(() => new Map([[consumer.name, consumer.pid()], ...servers]));
  const peakMiB = () => Math.round(peakRssOf(consumer.pid()) / 2 ** 20);
  const before = await records();
  watch.begin();
  const started = performance.now();
  const sentLive = await publish('live');
  const published = performance.now();
  const live = await landing(records, before, sentLive);
  const liveResources = watch.end();
  const livePeak = peakMiB();
  await consumer.stop();
  const beforeBacklog = await records();
  const sentBacklog = await publish('backlog');
  consumer.restart();
  // from the first landing: the consumer's own start (a Node process compiling its code) is not the drain
  const drained = await landing(records, beforeBacklog, sentBacklog, () => watch.begin());
  const backlogResources = watch.end();
  const backlogPeak = peakMiB();
  await consumer.stop();
  return {
    live: {
      sent: sentLive,
      landed: live.landed,
      rate: live.landed / ((live.doneAt - started) / 1000),
      publishRate: sentLive / ((published - started) / 1000),
      resources: liveResources,
      consumerPeakMiB: livePeak,
    },
    backlog: {
      sent: sentBacklog,
      landed: drained.landed,
      rate: drained.landed / ((drained.doneAt - drained.firstAt) / 1000),
      resources: backlogResources,
      consumerPeakMiB: backlogPeak,
    },
  };
}

/** The stack's Mosquitto and Kafka processes (their pid files under the Sluice home). */
export function stackServers(): Map<string, number> {
  return new Map(
    ['mosquitto', 'kafka'].map((server) => [
      server,
      Number(readFileSync(join(sluiceHome(), server, 'pid'), 'utf8').trim()),
    ]),
  );
}

/** CPU microseconds per landed message: the consumer's and the servers' together, and the whole machine's. */
export function cpuPerMessage(phase: PhaseFigures): { involved: number; machine: number } {
  const involved = Object.values(phase.resources.processes).reduce((sum, p) => sum + p.cpuSeconds, 0);
  const perMessage = (seconds: number) => Math.round(((seconds * 1e6) / Math.max(1, phase.landed)) * 10) / 10;
  return { involved: perMessage(involved), machine: perMessage(phase.resources.machineCpuSeconds) };
}

/** One consumer's figures as report rows, `who` naming it. */
export function phaseRows(
  who: string,
  run: LiveAndBacklog,
  units: { sent: string; landed: string; rate: string },
): [string, number, string][] {
  const rows: [string, number, string][] = [
    [`${who}: ${units.sent} published (QoS 1), live`, run.live.sent, units.sent],
    ['  publish rate into Mosquitto, live', Math.round(run.live.publishRate), units.rate],
  ];
  for (const [label, phase] of [
    ['live (first publish → all in Kafka)', run.live],
    ['backlog drain (first → last in Kafka)', run.backlog],
  ] as const) {
    const cpu = cpuPerMessage(phase);
    rows.push(
      [`  ${units.landed} in Kafka, ${label.split(' ')[0]}`, phase.landed, units.landed],
      [`  rate, ${label}`, Math.round(phase.rate), units.rate],
      [
        `  CPU per ${units.landed.replace(/s$/, '')}, ${label.split(' ')[0]}: ${Object.keys(phase.resources.processes).join(' + ')}`,
        cpu.involved,
        'µs',
      ],
      [
        `  CPU per ${units.landed.replace(/s$/, '')}, ${label.split(' ')[0]}: whole machine`,
        cpu.machine,
        'µs',
      ],
      [
        `  peak RSS, ${label.split(' ')[0]}: ${Object.keys(phase.resources.processes)[0]}`,
        phase.consumerPeakMiB,
        'MiB',
      ],
    );
  }
  return rows;
}
