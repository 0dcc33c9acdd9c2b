import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Compatibility levels as the Confluent registry API names them. */
export type Compatibility =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

export interface TopicContract {
  topic: string;
  /** File in schemas/ holding the value schema. */
  schemaFile: string;
  /**
   * Raw topics only need new readers to read old data (BACKWARD); normalized topics are a
   * public contract, so every version must read and be read by every other (FULL_TRANSITIVE).
   */
  compatibility: Compatibility;
  /** What the message key holds (a UTF-8 string): it decides the partition, so the order kept. */
  key: string;
  /** Kafka headers a message may carry, by name, with what each holds. */
  headers: Readonly<Record<string, string>>;
}

/**
 * Header naming the run an event was collected in (the collection run id on raw price offers):
 * the processor counts each run's outcome by it without decoding, also for events it cannot decode.
 */
export const runIdHeader = 'run-id';

const traceHeader = { 'trace-id': 'Trace id carried from ingest (32 hex characters), when there is one.' };

export const topics = {
  rawTelemetry: {
    topic: 'raw.telemetry.readings.v1',
    schemaFile: 'raw.telemetry.readings.v1.avsc',
    compatibility: 'BACKWARD',
    key: 'Device id: the readings of one device stay in order.',
    headers: traceHeader,
  },
  rawPricing: {
    topic: 'raw.pricing.offers.v1',
    schemaFile: 'raw.pricing.offers.v1.avsc',
    compatibility: 'BACKWARD',
    key: 'provider|sku|region: every version of one price lands on one partition, in order.',
    headers: { [runIdHeader]: 'The collection run the offer was fetched in.' },
  },
  normalizedTelemetry: {
    topic: 'normalized.telemetry.readings.v1',
    schemaFile: 'normalized.telemetry.readings.v1.avsc',
    compatibility: 'FULL_TRANSITIVE',
    key: 'Device id: the readings of one device stay in order.',
    headers: traceHeader,
  },
  normalizedPricing: {
    topic: 'normalized.pricing.prices.v1',
    schemaFile: 'normalized.pricing.prices.v1.avsc',
    compatibility: 'FULL_TRANSITIVE',
    key: 'The price identity, provider|sku|region|currency|price type|term|purchase option|tier start: every version of one price lands on one partition, in order.',
    headers: traceHeader,
  },
  pricingCollectionRuns: {
    topic: 'ops.pricing.collection-runs.v1',
    schemaFile: 'ops.pricing.collection-runs.v1.avsc',
    compatibility: 'BACKWARD',
    key: 'Run id: the events of one run stay in order.',
    headers: {},
  },
  pricingRunOutcomes: {
    topic: 'ops.pricing.run-outcomes.v1',
    schemaFile: 'ops.pricing.run-outcomes.v1.avsc',
    compatibility: 'BACKWARD',
    key: 'Run id: the outcomes of one run stay in order.',
    headers: {},
  },
} as const satisfies Record<string, TopicContract>;

/** Poison events of a topic go to `dlq.<topic>`, all with the dead-letter envelope schema. */
export function dlqContract(sourceTopic: string): TopicContract {
  return {
    topic: `dlq.${sourceTopic}`,
    schemaFile: 'dlq.v1.avsc',
    compatibility: 'BACKWARD',
    key: 'The original message’s key, unchanged.',
    headers: {
      'dlq.stage': 'Stage that refused the event (parse, validate, normalize, write, …).',
      'dlq.reason': 'Reason code.',
      'dlq.component': 'Component that refused it.',
      'dlq.original.topic': 'Topic the event was read from.',
      'dlq.original.partition': 'Its partition.',
      'dlq.original.offset': 'Its offset.',
    },
  };
}

export const sourceTopics = [
  topics.rawTelemetry,
  topics.rawPricing,
  topics.normalizedTelemetry,
  topics.normalizedPricing,
  topics.pricingCollectionRuns,
  topics.pricingRunOutcomes,
];

/** Every topic Sluice owns, with its dead-letter topic where events are consumed from it. */
export const allContracts: TopicContract[] = [
  ...sourceTopics,
  dlqContract(topics.rawTelemetry.topic),
  dlqContract(topics.rawPricing.topic),
  dlqContract(topics.normalizedTelemetry.topic),
  dlqContract(topics.normalizedPricing.topic),
];

export const schemasDir = fileURLToPath(new URL('.', import.meta.url));

export function readSchema(schemaFile: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(schemasDir, schemaFile), 'utf8')) as Record<string, unknown>;
}

export function subjectOf(topic: string): string {
  return `${topic}-value`;
}
