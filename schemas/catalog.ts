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
}

export const topics = {
  rawTelemetry: {
    topic: 'raw.telemetry.readings.v1',
    schemaFile: 'raw.telemetry.readings.v1.avsc',
    compatibility: 'BACKWARD',
  },
  rawPricing: {
    topic: 'raw.pricing.offers.v1',
    schemaFile: 'raw.pricing.offers.v1.avsc',
    compatibility: 'BACKWARD',
  },
  normalizedTelemetry: {
    topic: 'normalized.telemetry.readings.v1',
    schemaFile: 'normalized.telemetry.readings.v1.avsc',
    compatibility: 'FULL_TRANSITIVE',
  },
  normalizedPricing: {
    topic: 'normalized.pricing.prices.v1',
    schemaFile: 'normalized.pricing.prices.v1.avsc',
    compatibility: 'FULL_TRANSITIVE',
  },
  pricingCollectionRuns: {
    topic: 'ops.pricing.collection-runs.v1',
    schemaFile: 'ops.pricing.collection-runs.v1.avsc',
    compatibility: 'BACKWARD',
  },
  pricingRunOutcomes: {
    topic: 'ops.pricing.run-outcomes.v1',
    schemaFile: 'ops.pricing.run-outcomes.v1.avsc',
    compatibility: 'BACKWARD',
  },
} as const satisfies Record<string, TopicContract>;

/**
 * Header naming the run an event was collected in (the collection run id on raw price offers):
 * the processor counts each run's outcome by it without decoding, also for events it cannot decode.
 */
export const runIdHeader = 'run-id';

/** Poison events of a topic go to `dlq.<topic>`, all with the dead-letter envelope schema. */
export function dlqContract(sourceTopic: string): TopicContract {
  return { topic: `dlq.${sourceTopic}`, schemaFile: 'dlq.v1.avsc', compatibility: 'BACKWARD' };
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
