import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import { describeError, SluiceError } from '../lib/errors.ts';
import { createProducer } from '../lib/kafka.ts';
import { componentLogger, type Logger } from '../lib/logger.ts';
import type { ComponentMetrics } from '../lib/metrics.ts';
import { retry } from '../lib/retry.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { topics } from '../schemas/catalog.ts';
import { rawReading } from '../schemas/raw-telemetry-reading.ts';
import type { RawTelemetryReading, TelemetrySource } from '../schemas/types.ts';
import type { ReadingFields } from './telemetry-wire.ts';

const topic = topics.rawTelemetry.topic;

/** Without an acknowledgement for this long, the publisher checks that Kafka still answers. */
const idleProbeMs = 2_000;

/** What a transport adds to the fields it parsed from a reading. */
export interface ReadingEnvelope {
  source: TelemetrySource;
  contentType: string;
  /** The original bytes, kept verbatim. */
  payload: Buffer;
  attributes: Record<string, string>;
  /** Replaces the parsed message id when set (one derived from an Idempotency-Key, a file line). */
  messageId?: string | null;
  traceId?: string | null;
  /** The value is part of the event id (file rows: the same time may come again with another value). */
  valueIsIdentity?: boolean;
}

/**
 * The raw reading of parsed fields in their envelope. Built field by field: object spreads on
 * this per-reading path cost more than hashing and encoding the reading (5 µs in the MQTT bridge).
 */
export function readingFromFields(
  fields: ReadingFields,
  envelope: ReadingEnvelope,
  receivedAt?: number,
): RawTelemetryReading {
  return rawReading(
    {
      source: envelope.source,
      deviceId: fields.deviceId,
      siteId: fields.siteId,
      metric: fields.metric,
      value: fields.value,
      unit: fields.unit,
      sourceTime: fields.sourceTime,
      messageId: envelope.messageId ?? fields.messageId,
      contentType: envelope.contentType,
      payload: envelope.payload,
      attributes: envelope.attributes,
      traceId: envelope.traceId ?? null,
      valueIsIdentity: envelope.valueIsIdentity,
    },
    receivedAt,
  );
}

/** The Kafka message of a reading: keyed by device (per-device order), Avro in the Confluent framing. */
export function rawTelemetryMessage(serde: AvroSerde, reading: RawTelemetryReading): Message {
  return {
    key: reading.deviceId,
    value: serde.encode(topic, reading),
    headers: reading.traceId ? { 'trace-id': reading.traceId } : undefined,
  };
}

/** Publishes raw readings, resolved once Kafka acknowledged all. */
export async function publishRawReadings(
  producer: Producer,
  serde: AvroSerde,
  readings: RawTelemetryReading[],
): Promise<void> {
  await producer.send({ topic, acks: -1, messages: readings.map((r) => rawTelemetryMessage(serde, r)) });
}

export interface RawPublisherOptions {
  /** Topic the messages go to; default the raw telemetry topic (producers' dead letters go to its DLQ). */
  topic?: string;
  /** Events handed over but not yet acknowledged by Kafka; beyond it `publish` refuses with ING_BACKPRESSURE. */
  maxBufferedEvents: number;
  /** Bytes of messages per Kafka request (a record batch per partition must stay under the broker's message.max.bytes). */
  maxBatchBytes: number;
  /** A send not acknowledged within this time fails its events as unavailable (they may still land; a resend keeps its eventId). */
  sendTimeoutMs: number;
  /** kafkajs retries of one send before it fails and the producer is replaced. */
  sendRetries: number;
}

interface Waiter {
  remaining: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: SluiceError) => void;
}

interface Chunk {
  messages: Message[];
  bytes: number;
  waiter: Waiter;
}

type PublisherState = 'idle' | 'ready' | 'reconnecting' | 'closed';

/**
 * The one way producers put raw readings into Kafka. Calls from many requests or messages are
 * coalesced into few large sends (one in flight, as the idempotent producer requires), each call
 * resolving only when Kafka acknowledged all its events. The buffer is bounded, a send is bounded
 * in time, and after a failed send the producer is replaced while callers are refused at once
 * (ING_KAFKA_UNAVAILABLE), so nothing waits without bound and nothing is reported sent that Kafka
 * did not acknowledge.
 */
export class RawTelemetryPublisher {
  private producer?: Producer;
  private state: PublisherState = 'idle';
  private readonly queue: Chunk[] = [];
  private bufferedEvents = 0;
  private draining?: Promise<void>;
  private reconnecting?: Promise<void>;
  private readonly stopping = new AbortController();
  private lastError?: string;
  private readonly logger: Logger;
  private readonly topic: string;
  /** When Kafka last acknowledged anything (a send or a probe). */
  private lastAcknowledged = 0;
  private watch?: NodeJS.Timeout;
  private probeAdmin?: Admin;
  private probing = false;
  /** When the send in flight started, while one is. */
  private sendingSince?: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly metrics: ComponentMetrics,
    private readonly options: RawPublisherOptions,
    component: string,
  ) {
    this.logger = componentLogger(component, { part: 'publisher' });
    this.topic = options.topic ?? topic;
  }

  /** Connects; when Kafka is not there yet the publisher keeps trying in the background and refuses meanwhile. */
  async connect(): Promise<void> {
    try {
      await this.newProducer();
      this.state = 'ready';
      this.lastAcknowledged = Date.now();
      await this.probeClient().catch(() => undefined);
    } catch (err) {
      this.lastError = describeError(err);
      this.logger.warn({ err: this.lastError }, 'Kafka unavailable at start; retrying in the background');
      this.reconnectInBackground();
    }
    this.watch = setInterval(() => void this.probeWhenIdle(), idleProbeMs);
    this.watch.unref();
  }

  /**
   * A publisher learns that Kafka went away from a failed send; without traffic it would say ready
   * while it could not take a reading. So after `idleProbeMs` without an acknowledgement it asks
   * the cluster for its metadata (one request, no retries), and a failure is treated as a failed send.
   */
  private async probeWhenIdle(): Promise<void> {
    if (this.state !== 'ready' || this.probing || Date.now() - this.lastAcknowledged < idleProbeMs) return;
    this.probing = true;
    try {
      const answered = (await this.probeClient()).describeCluster();
      answered.catch(() => {});
      // kafkajs may reconnect for a long while before it gives up: an answer must come in time
      const late = new AbortController();
      await Promise.race([
        answered,
        sleep(idleProbeMs, undefined, { signal: late.signal }).then(() => {
          throw new SluiceError('ING_TIMEOUT', `no metadata answer within ${idleProbeMs} ms`);
        }),
      ]).finally(() => late.abort());
      this.lastAcknowledged = Date.now();
    } catch (err) {
      const admin = this.probeAdmin;
      this.probeAdmin = undefined;
      void admin?.disconnect().catch(() => {});
      if (this.state !== 'ready') return;
      this.lastError = describeError(err);
      this.logger.warn({ err: this.lastError }, 'Kafka does not answer; refusing events until it does');
      this.reconnectInBackground();
    } finally {
      this.probing = false;
    }
  }

  /**
   * The admin client of the probe, connected with the producer (so the connections a publisher
   * holds do not change when it first falls idle), and again after a failed probe dropped it.
   */
  private async probeClient(): Promise<Admin> {
    if (!this.probeAdmin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      this.probeAdmin = admin;
    }
    return this.probeAdmin;
  }

  private async newProducer(): Promise<void> {
    const producer = createProducer(this.kafka, {
      retry: { retries: this.options.sendRetries, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => {});
      // kafkajs gives up with a non-retriable "retries exceeded": for a producer waiting on its broker it is retriable
      throw new SluiceError('ING_KAFKA_UNAVAILABLE', `cannot connect to Kafka: ${describeError(err)}`, {
        cause: err,
      });
    }
    this.producer = producer;
  }

  encode(reading: RawTelemetryReading): Message {
    return rawTelemetryMessage(this.serde, reading);
  }

  get buffered(): number {
    return this.bufferedEvents;
  }

  health(): { state: 'ready' | 'degraded' | 'down'; reason?: string } {
    // a send waiting long for its acknowledgement says Kafka is away before the send gives up
    const waiting = this.sendingSince === undefined ? 0 : Date.now() - this.sendingSince;
    if (this.state === 'ready' && waiting > idleProbeMs)
      return {
        state: 'down',
        reason: `Kafka unavailable: no acknowledgement for ${(waiting / 1000).toFixed(1)} s`,
      };
    if (this.state === 'ready') return { state: 'ready' };
    if (this.state === 'reconnecting')
      return { state: 'down', reason: `Kafka unavailable: ${this.lastError}` };
    return { state: 'down', reason: this.state === 'idle' ? 'not connected' : 'closed' };
  }

  /** Resolves when Kafka acknowledged every message; rejects with a retriable SluiceError otherwise. */
  publish(messages: Message[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    if (this.state !== 'ready') {
      return Promise.reject(
        new SluiceError(
          'ING_KAFKA_UNAVAILABLE',
          this.state === 'reconnecting'
            ? `Kafka is unavailable: ${this.lastError}`
            : 'publisher is not running',
        ),
      );
    }
    if (this.bufferedEvents + messages.length > this.options.maxBufferedEvents) {
      return Promise.reject(
        new SluiceError(
          'ING_BACKPRESSURE',
          `${this.bufferedEvents} events are waiting for Kafka (limit ${this.options.maxBufferedEvents})`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { remaining: 0, settled: false, resolve, reject };
      let chunk: Chunk = { messages: [], bytes: 0, waiter };
      for (const message of messages) {
        const size = messageSize(message);
        if (chunk.messages.length > 0 && chunk.bytes + size > this.options.maxBatchBytes) {
          this.enqueue(chunk);
          chunk = { messages: [], bytes: 0, waiter };
        }
        chunk.messages.push(message);
        chunk.bytes += size;
      }
      this.enqueue(chunk);
      this.bufferedEvents += messages.length;
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  private enqueue(chunk: Chunk): void {
    chunk.waiter.remaining++;
    this.queue.push(chunk);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && this.state === 'ready') {
      const batch: Chunk[] = [this.queue.shift() as Chunk];
      let bytes = batch[0]?.bytes ?? 0;
      while (this.queue.length > 0 && bytes + (this.queue[0] as Chunk).bytes <= this.options.maxBatchBytes) {
        const next = this.queue.shift() as Chunk;
        bytes += next.bytes;
        batch.push(next);
      }
      const messages = batch.flatMap((chunk) => chunk.messages);
      const endTimer = this.metrics.timeBatch();
      try {
        await this.sendBounded(messages);
        this.lastAcknowledged = Date.now();
        this.metrics.sent(this.topic, messages.length);
        for (const chunk of batch) {
          this.bufferedEvents -= chunk.messages.length;
          if (--chunk.waiter.remaining === 0 && !chunk.waiter.settled) {
            chunk.waiter.settled = true;
            chunk.waiter.resolve();
          }
        }
      } catch (err) {
        const error = new SluiceError(
          'ING_KAFKA_UNAVAILABLE',
          `Kafka did not acknowledge: ${describeError(err)}`,
          {
            cause: err,
          },
        );
        this.metrics.error('publish', error.code, error.disposition);
        this.lastError = describeError(err);
        this.logger.warn(
          { err: this.lastError, events: messages.length },
          'send failed; replacing the producer',
        );
        this.failAll([...batch, ...this.queue.splice(0)], error);
        this.reconnectInBackground();
      } finally {
        endTimer();
      }
    }
  }

  private failAll(chunks: Chunk[], error: SluiceError): void {
    for (const chunk of chunks) {
      this.bufferedEvents -= chunk.messages.length;
      if (!chunk.waiter.settled) {
        chunk.waiter.settled = true;
        chunk.waiter.reject(error);
      }
    }
  }

  private async sendBounded(messages: Message[]): Promise<void> {
    const producer = this.producer as Producer;
    this.sendingSince = Date.now();
    const sending = producer.send({ topic: this.topic, acks: -1, messages });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SluiceError('ING_TIMEOUT', `no acknowledgement within ${this.options.sendTimeoutMs} ms`),
          ),
        this.options.sendTimeoutMs,
      );
    });
    try {
      await Promise.race([sending, timeout]);
    } finally {
      this.sendingSince = undefined;
      clearTimeout(timer);
      // a timed-out send keeps running inside kafkajs; it settles (bounded retries) before the producer is dropped
      sending.catch(() => {});
    }
  }

  private reconnectInBackground(): void {
    if (this.state === 'closed' || this.reconnecting) return;
    this.state = 'reconnecting';
    const old = this.producer;
    this.producer = undefined;
    this.reconnecting = (async () => {
      // a producer whose broker vanished may never finish disconnecting: give it a moment, then drop it
      const dropped = new AbortController();
      await Promise.race([
        old?.disconnect().catch(() => {}),
        sleep(2000, undefined, { signal: dropped.signal }).catch(() => {}),
      ]);
      dropped.abort();
      await retry(() => this.newProducer(), {
        retries: Number.POSITIVE_INFINITY,
        initialDelayMs: 250,
        maxDelayMs: 5000,
        signal: this.stopping.signal,
        onRetry: (error, attempt) => {
          this.lastError = error.message;
          this.logger.debug({ err: error.message, attempt }, 'Kafka still unavailable');
        },
      });
      if (this.state === 'reconnecting') this.state = 'ready';
      this.lastAcknowledged = Date.now();
      await this.probeClient().catch(() => undefined);
      this.logger.info('Kafka reachable again; accepting events');
    })()
      .catch(() => {
        // only the stop signal ends the retries
      })
      .finally(() => {
        this.reconnecting = undefined;
      });
  }

  /** Stops taking events, waits for the in-flight ones until the deadline, then closes. */
  async close(deadline: number): Promise<void> {
    const wasReady = this.state === 'ready';
    if (wasReady && this.draining) {
      const giveUp = new AbortController();
      await Promise.race([
        this.draining,
        sleep(Math.max(0, deadline - Date.now()), undefined, { signal: giveUp.signal }).catch(() => {}),
      ]);
      giveUp.abort();
    }
    this.state = 'closed';
    clearInterval(this.watch);
    this.stopping.abort();
    await this.probeAdmin?.disconnect().catch(() => {});
    await this.reconnecting;
    this.failAll(this.queue.splice(0), new SluiceError('ING_KAFKA_UNAVAILABLE', 'publisher stopped'));
    await this.producer?.disconnect().catch(() => {});
    this.producer = undefined;
  }
}

function messageSize(message: Message): number {
  const value = message.value as Buffer;
  const key = message.key as string | null;
  // record overhead (varints, attributes, headers) is small next to the value; 32 bytes covers it
  return value.length + (key?.length ?? 0) + 32;
}
