import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
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

/** One QoS 1 message. */
export interface Publication {
  topic: string;
  payload: string | Uint8Array;
}

/** Writes an MQTT remaining length (variable-length integer, minimal) at `at`; where it ends. */
function writeRemainingLength(out: Buffer, at: number, value: number): number {
  let left = value;
  do {
    out[at++] = (left % 128) | (left >= 128 ? 0x80 : 0);
    left = Math.floor(left / 128);
  } while (left > 0);
  return at;
}

/**
 * An MQTT 3.1.1 publisher that writes a burst of QoS 1 PUBLISH packets at once, encoded by hand,
 * and counts the broker's PUBACKs: the load generator shares the machine's cores with the consumer
 * it measures, and mqtt.js' per-message promise, packet object and outgoing store cost about what
 * the consumer does, so its publishers bounded the live figures. Keep-alive off, nothing
 * subscribed: the broker sends a 4-byte CONNACK, then a 4-byte PUBACK per message.
 */
export class BurstPublisher {
  private received = 0;
  private nextId = 1;
  private waiting?: { bytes: number; done: () => void };
  private failure?: Error;
  /** Bytes the broker has to send for everything written so far to be acknowledged. */
  private expected = 4;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      if (this.waiting && this.received >= this.waiting.bytes) this.waiting.done();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.waiting?.done();
    });
  }

  static async connect(url: string, clientId: string): Promise<BurstPublisher> {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port || 1883) });
    await once(socket, 'connect');
    const publisher = new BurstPublisher(socket);
    // CONNECT: protocol name, level 4 (3.1.1), flags: clean session, keep-alive 0; the client id
    const id = Buffer.from(clientId);
    const body = Buffer.concat([
      Buffer.from([0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 0, id.length >> 8, id.length & 0xff]),
      id,
    ]);
    const packet = Buffer.allocUnsafe(5 + body.length);
    const start = writeRemainingLength(packet, 1, body.length);
    packet[0] = 0x10;
    body.copy(packet, start);
    socket.write(packet.subarray(0, start + body.length));
    await publisher.acknowledged();
    return publisher;
  }

  /** Publishes the messages in one write; resolves once the broker acknowledged every one. */
  async publish(messages: readonly Publication[]): Promise<void> {
    const lengths = messages.map(({ topic, payload }) => [
      Buffer.byteLength(topic),
      typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length,
    ]);
    // at most 5 bytes of fixed header, 2 of topic length, 2 of packet id a message
    const out = Buffer.allocUnsafe(lengths.reduce((sum, [t = 0, p = 0]) => sum + 9 + t + p, 0));
    let at = 0;
    messages.forEach(({ topic, payload }, i) => {
      const [topicLength = 0, payloadLength = 0] = lengths[i] as number[];
      // PUBLISH, QoS 1: topic, packet id, payload
      out[at++] = 0x32;
      at = writeRemainingLength(out, at, 2 + topicLength + 2 + payloadLength);
      at = out.writeUInt16BE(topicLength, at);
      at += out.write(topic, at);
      at = out.writeUInt16BE(this.nextId, at);
      this.nextId = this.nextId === 0xffff ? 1 : this.nextId + 1;
      if (typeof payload === 'string') at += out.write(payload, at);
      else {
        out.set(payload, at);
        at += payloadLength;
      }
    });
    this.expected += 4 * messages.length;
    this.socket.write(out.subarray(0, at));
    await this.acknowledged();
  }

  /** Resolves once the broker acknowledged everything written (fails with the socket's error). */
  private acknowledged(): Promise<void> {
    return new Promise((resolveAcked, failed) => {
      const done = () => {
        this.waiting = undefined;
        if (this.failure) failed(this.failure);
        else resolveAcked();
      };
      if (this.failure || this.received >= this.expected) done();
      else this.waiting = { bytes: this.expected, done };
    });
  }

  end(): void {
    this.socket.end(Buffer.from([0xe0, 0]));
  }
}

export function connectPublishers(count: number, prefix: string): Promise<BurstPublisher[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => BurstPublisher.connect(brokerUrl, `${prefix}-pub-${i}`)),
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
