import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Message } from 'kafkajs';
import modbusSerial from 'modbus-serial';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import { retry } from '../../lib/retry.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { rawReading } from '../../schemas/raw-telemetry-reading.ts';
import { TransportDeadLetters } from '../dead-letters.ts';
import { RawTelemetryPublisher } from '../raw-telemetry.ts';
import { type ModbusSettings, modbusSettings, type RegisterSpec } from './config.ts';
import { registerCount, scaledValue } from './registers.ts';

const topic = topics.rawTelemetry.topic;

// modbus-serial is CommonJS with `module.exports = ModbusRTU`; its typings describe an ES default
type ModbusClient = InstanceType<typeof modbusSerial.default>;
const ModbusRTU = modbusSerial as unknown as new () => ModbusClient;

/**
 * Polls Modbus TCP holding/input registers at a fixed interval and publishes each value as a raw
 * reading (the registers as read, type, byte order, scale and offset kept in the payload). A poll
 * waits until Kafka acknowledged the previous one, so a slow Kafka slows polling instead of
 * piling up readings; a failed read drops the connection and the next poll reconnects. A register
 * the device refuses (a Modbus exception response: illegal address, …) is dead-lettered when it
 * starts failing (read_failed) while the other registers go on being read.
 */
export class ModbusPoller implements Component {
  readonly name = 'modbus-poller';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  readonly settings: ModbusSettings;
  private readonly publisher: RawTelemetryPublisher;
  private readonly deadLetters: TransportDeadLetters;
  /** Registers the device refuses now, with the refusal last dead-lettered. */
  private readonly refused = new Map<RegisterSpec, string>();
  private client?: ModbusClient;
  private loop?: Promise<void>;
  private readonly stopping = new AbortController();
  private lastError?: string;
  private polls = 0;

  constructor(serde: AvroSerde, options: { kafka?: Kafka; settings?: ModbusSettings } = {}) {
    this.settings = options.settings ?? loadSettings(modbusSettings);
    const kafka = options.kafka ?? createKafka(this.name);
    this.deadLetters = new TransportDeadLetters(kafka, serde, this.metrics, this.name);
    this.publisher = new RawTelemetryPublisher(
      kafka,
      serde,
      this.metrics,
      { maxBufferedEvents: 100_000, maxBatchBytes: 900_000, sendTimeoutMs: 30_000, sendRetries: 5 },
      this.name,
    );
  }

  get pollCount(): number {
    return this.polls;
  }

  async start(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.deadLetters.connect()]);
    this.loop = this.run();
  }

  private async connected(): Promise<ModbusClient> {
    if (this.client?.isOpen) return this.client;
    const client = new ModbusRTU();
    await client.connectTCP(this.settings.host, { port: this.settings.port });
    client.setID(this.settings.unitId);
    client.setTimeout(this.settings.timeoutMs);
    this.client = client;
    this.logger.info({ host: this.settings.host, port: this.settings.port }, 'connected');
    return client;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      const began = Date.now();
      try {
        const { messages, letters } = await this.poll();
        this.metrics.received(topic, messages.length);
        const untilStopped = { retries: Number.POSITIVE_INFINITY, maxDelayMs: 10_000, signal };
        await retry(() => this.publisher.publish(messages), untilStopped);
        await retry(() => this.deadLetters.publish(letters), untilStopped);
        this.polls++;
        this.lastError = undefined;
      } catch (err) {
        if (signal.aborted) break;
        const error = classifyError(err);
        this.lastError = describeError(err);
        this.metrics.error('poll', error.code, error.disposition);
        this.logger.warn({ err: this.lastError }, 'poll failed; reconnecting at the next poll');
        this.client?.close(() => {});
        this.client = undefined;
      }
      const wait = Math.max(0, this.settings.pollIntervalMs - (Date.now() - began));
      // timers/promises removes its 'abort' listener when the wait ends: nothing accumulates on the long-lived signal
      await sleep(wait, undefined, { signal }).catch(() => {});
    }
  }

  /** Reads every configured register once: one reading each, or a dead letter for a newly refused one. */
  private async poll(): Promise<{ messages: Message[]; letters: Message[] }> {
    const client = await this.connected();
    const receivedAt = Date.now();
    const messages: Message[] = [];
    const letters: Message[] = [];
    for (const spec of this.settings.registers) {
      const count = registerCount(spec.type);
      let data: number[];
      try {
        ({ data } =
          spec.table === 'holding'
            ? await client.readHoldingRegisters(spec.address, count)
            : await client.readInputRegisters(spec.address, count));
      } catch (err) {
        // an exception response is the device's answer about this register; anything else is the link's
        if ((err as { modbusCode?: number }).modbusCode === undefined) throw err;
        const letter = this.refusal(spec, (err as Error).message, receivedAt);
        if (letter) letters.push(letter);
        continue;
      }
      this.refused.delete(spec);
      messages.push(this.publisher.encode(this.reading(spec, data, receivedAt)));
    }
    return { messages, letters };
  }

  /** The dead letter of a register the device refuses, once per refusal (not once per poll). */
  private refusal(spec: RegisterSpec, message: string, receivedAt: number): Message | undefined {
    if (this.refused.get(spec) === message) return undefined;
    this.refused.set(spec, message);
    const { host, port, unitId } = this.settings;
    this.logger.warn({ register: spec, err: message }, 'the device refuses a register');
    return this.deadLetters.letter({
      source: `modbus:${host}:${port}/${unitId}/${spec.table}/${spec.address}`,
      key: spec.deviceId,
      payload: Buffer.from(JSON.stringify({ host, port, unitId, register: spec, error: message })),
      attributes: this.attributes(spec),
      receivedAt,
      stage: 'read',
      reason: 'read_failed',
      message: `unit ${unitId} refuses ${spec.table} register ${spec.address} (device ${spec.deviceId}, metric ${spec.metric}): ${message}`,
    });
  }

  private attributes(spec: RegisterSpec): Record<string, string> {
    const { host, port, unitId } = this.settings;
    return {
      modbusEndpoint: `${host}:${port}`,
      modbusUnit: String(unitId),
      modbusTable: spec.table,
      modbusAddress: String(spec.address),
    };
  }

  private reading(spec: RegisterSpec, registers: number[], receivedAt: number) {
    const { host, port, unitId } = this.settings;
    const payload = {
      host,
      port,
      unitId,
      table: spec.table,
      address: spec.address,
      registers,
      type: spec.type,
      byteOrder: spec.byteOrder,
      scale: spec.scale,
      offset: spec.offset,
    };
    return rawReading(
      {
        source: 'modbus',
        deviceId: spec.deviceId,
        siteId: spec.siteId,
        metric: spec.metric,
        value: scaledValue(registers, spec),
        unit: spec.unit,
        contentType: 'application/vnd.modbus.registers+json',
        payload: Buffer.from(JSON.stringify(payload)),
        attributes: this.attributes(spec),
      },
      receivedAt,
    );
  }

  async stop(deadline: number): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await new Promise<void>((resolve) =>
      this.client?.isOpen ? this.client.close(() => resolve()) : resolve(),
    );
    await Promise.all([this.publisher.close(deadline), this.deadLetters.close(deadline)]);
    this.metrics.health(0);
  }

  health(): Health {
    if (!this.loop) return { state: 'down', reason: 'not started' };
    const publisher = this.publisher.health();
    if (publisher.state !== 'ready') return publisher;
    return this.lastError ? { state: 'degraded', reason: this.lastError } : { state: 'ready' };
  }
}
