import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { environment } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import type { AvroSerde } from '../lib/serde.ts';
import {
  type CollectionRequest,
  openCollection,
  type SourceOptions,
} from '../producers/pricing-collection/collections.ts';
import type { CollectionRun } from '../producers/pricing-collection/run-store.ts';
import { topics } from '../schemas/catalog.ts';
import type { RawPriceOffer } from '../schemas/types.ts';
import type { PricingFixtureServer } from './pricing-fixture-server.ts';
import { uniqueSuffix } from './support.ts';

const offersTopic = topics.rawPricing.topic;

/** Settings that point both collectors at the fixture server, with retries fast enough for tests. */
export function fixtureEnv(
  fixture: PricingFixtureServer,
  overrides: Record<string, string> = {},
): Record<string, string | undefined> {
  return {
    ...environment(),
    LOG_LEVEL: 'warn',
    AZURE_PRICING_URL: fixture.azureUrl,
    AZURE_PRICING_RATE_LIMIT_RPS: '500',
    AZURE_PRICING_RETRY_INITIAL_MS: '20',
    AZURE_PRICING_RETRY_MAX_MS: '200',
    AZURE_PRICING_REQUEST_TIMEOUT_MS: '2000',
    AWS_PRICING_OFFERS_URL: fixture.url,
    AWS_PRICING_QUERY_ENDPOINT: fixture.url,
    AWS_PRICING_RATE_LIMIT_RPS: '500',
    AWS_PRICING_RETRY_INITIAL_MS: '20',
    AWS_PRICING_RETRY_MAX_MS: '200',
    AWS_PRICING_REQUEST_TIMEOUT_MS: '2000',
    PRICING_COLLECTION_PUBLISHER_THREADS: '1',
    PRICING_COLLECTION_CANCEL_POLL_MS: '200',
    ...overrides,
  };
}

export interface ReadEvent<T> {
  value: T;
  key: string | null;
  partition: number;
}

/** The shared clients a collection needs, for one test file. */
export class CollectionHarness {
  private constructor(
    readonly kafka: Kafka,
    readonly serde: AvroSerde,
    readonly pool: pg.Pool,
    readonly producer: ReturnType<typeof createProducer>,
  ) {}

  static async start(): Promise<CollectionHarness> {
    const kafka = createKafka('pricing-test');
    const serde = await prepareTopicsAndSchemas(kafka);
    const producer = createProducer(kafka);
    await producer.connect();
    return new CollectionHarness(kafka, serde, createPgPool(), producer);
  }

  /** Runs a collection in this process to its end. */
  async collect(request: CollectionRequest, options: SourceOptions): Promise<CollectionRun> {
    const { collector, close } = await openCollection(
      request,
      { kafka: this.kafka, pool: this.pool, producer: this.producer, serde: this.serde },
      options,
    );
    try {
      await collector.start();
      return await collector.finished;
    } finally {
      await close();
    }
  }

  async endOffsets(topic: string = offersTopic): Promise<Map<number, bigint>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  /** The raw offers of one collection published between two snapshots of the topic's end offsets. */
  async offersOf(
    collectionId: string,
    from: Map<number, bigint>,
    to: Map<number, bigint>,
  ): Promise<RawPriceOffer[]> {
    const events = await this.read<RawPriceOffer>(
      offersTopic,
      from,
      to,
      (offer) => offer.collectionId === collectionId,
    );
    return events.map((event) => event.value);
  }

  /**
   * The events of a topic between two snapshots of its end offsets that `keep` selects, read back
   * with a consumer of its own group and decoded with the serde.
   */
  async read<T>(
    topic: string,
    from: Map<number, bigint>,
    to: Map<number, bigint>,
    keep: (value: T) => boolean,
  ): Promise<ReadEvent<T>[]> {
    const groupId = `pricing-test-${uniqueSuffix()}`;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId,
        topic,
        partitions: [...from].map(([partition, offset]) => ({ partition, offset: String(offset) })),
      });
    } finally {
      await admin.disconnect();
    }
    const remaining = new Set(
      [...to].filter(([partition, end]) => end > (from.get(partition) ?? 0n)).map(([p]) => p),
    );
    const values: ReadEvent<T>[] = [];
    if (remaining.size === 0) return values;
    const consumer = this.kafka.consumer({ groupId, maxBytes: 8 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`${topic} not read to its end in 90 s (${values.length} events kept so far)`)),
          90_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = to.get(batch.partition) ?? 0n;
              for (const message of batch.messages) {
                if (BigInt(message.offset) >= end) break;
                const { value } = await this.serde.decode<T>(topic, message.value);
                if (keep(value))
                  values.push({ value, key: message.key?.toString() ?? null, partition: batch.partition });
              }
              // lastOffset() also counts control records, which are never delivered as messages
              if (BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return values;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.pool.end();
  }
}
