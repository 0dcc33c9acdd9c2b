import type { Kafka, Message } from 'kafkajs';
import type { Health } from '../lib/component.ts';
import { dlqMessage, type TransportRefusal, transportDeadLetter } from '../lib/dlq.ts';
import { componentLogger, type Logger } from '../lib/logger.ts';
import type { ComponentMetrics } from '../lib/metrics.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { dlqContract, topics } from '../schemas/catalog.ts';
import { RawTelemetryPublisher } from './raw-telemetry.ts';

const rawTopic = topics.rawTelemetry.topic;

/**
 * Where producers put what a transport delivered but no reading can be made of (an MQTT message on
 * an unmapped topic, an unreadable payload, a node or register the server refuses to read): the
 * DLQ of the raw topic, with the original bytes, where they came from and the reason, published
 * like readings (idempotent, acks=all), so nothing a producer took is dropped without a trace.
 */
export class TransportDeadLetters {
  readonly topic = dlqContract(rawTopic).topic;
  private readonly publisher: RawTelemetryPublisher;
  private readonly logger: Logger;

  constructor(
    kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly metrics: ComponentMetrics,
    private readonly component: string,
  ) {
    this.logger = componentLogger(component, { part: 'dead-letters' });
    this.publisher = new RawTelemetryPublisher(
      kafka,
      serde,
      metrics,
      {
        topic: this.topic,
        maxBufferedEvents: 100_000,
        maxBatchBytes: 900_000,
        sendTimeoutMs: 30_000,
        sendRetries: 5,
      },
      component,
    );
  }

  connect(): Promise<void> {
    return this.publisher.connect();
  }

  /** The Kafka message of a refusal, counted by reason in sluice_dlq_events_total. */
  letter(refusal: TransportRefusal): Message {
    this.metrics.dlq(this.topic, refusal.reason);
    this.logger.debug({ source: refusal.source, reason: refusal.reason }, refusal.message);
    return dlqMessage(this.serde, transportDeadLetter(refusal, rawTopic, this.component), this.topic).message;
  }

  /** Resolves when Kafka acknowledged every letter; rejects with a retriable SluiceError otherwise. */
  publish(letters: Message[]): Promise<void> {
    return this.publisher.publish(letters);
  }

  health(): Health {
    return this.publisher.health();
  }

  close(deadline: number): Promise<void> {
    return this.publisher.close(deadline);
  }
}
