import { loadSettings } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { type TopicContract, topics } from '../../schemas/catalog.ts';
import { type BatchingSink, type BatchingSinkOptions, createBatchingSink } from '../batching-sink.ts';
import type { SinkSettings } from '../sink-settings.ts';
import {
  type PostgresArchiveSettings,
  type PostgresSinkSettings,
  postgresArchiveSettings,
  postgresSinkSettings,
} from './config.ts';
import { type PostgresSourceKind, PostgresWriter, type PostgresWriterOptions } from './postgres-writer.ts';

type Source = { topic: string; kind: PostgresSourceKind; schema: TopicContract };

/** A sink into PostgreSQL of the given topics (those set, that is: an empty topic setting leaves it out). */
function postgresSink(
  component: string,
  settings: SinkSettings,
  configured: Source[],
  partitions: Pick<PostgresWriterOptions, 'partitionsAhead' | 'retention' | 'maintenanceMs'>,
): BatchingSinkOptions {
  const sources = configured
    .filter(({ topic }) => topic !== '')
    .map(({ topic, kind, schema }) => ({ contract: { ...schema, topic }, kind }));
  if (sources.length === 0) {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      `the ${component} sink has no source topic: set one of its topics`,
    );
  }
  // its 'error' events are handled by the factory: a database restart cannot crash the process
  const pool = createPgPool();
  const writer = new PostgresWriter({
    pool,
    component,
    consumerGroup: settings.groupId,
    sources: new Map(sources.map(({ contract, kind }) => [contract.topic, kind])),
    ...partitions,
    logger: componentLogger(component),
  });
  return {
    name: component,
    kafka: createKafka(component),
    serde: new AvroSerde(createRegistryClient()),
    groupId: settings.groupId,
    sources: sources.map(({ contract }) => contract),
    writer,
    batchRows: settings.batchRows,
    batchMaxWaitMs: settings.batchMaxWaitMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    unclassifiedRetries: settings.unclassifiedRetries,
  };
}

/** What the PostgreSQL sink is made of (a benchmark wraps the writer to time it). */
export function postgresSinkOptions(
  settings: PostgresSinkSettings = loadSettings(postgresSinkSettings),
): BatchingSinkOptions {
  return postgresSink(
    'sink-postgres',
    settings,
    [
      { topic: settings.telemetryTopic, kind: 'telemetry', schema: topics.normalizedTelemetry },
      { topic: settings.pricingTopic, kind: 'pricing', schema: topics.normalizedPricing },
      { topic: settings.runOutcomesTopic, kind: 'runOutcomes', schema: topics.pricingRunOutcomes },
    ],
    {
      partitionsAhead: settings.partitionsAhead,
      retention: { months: settings.retentionMonths, action: settings.retentionAction },
      maintenanceMs: settings.maintenanceMinutes * 60_000,
    },
  );
}

/** The raw archive: raw telemetry and price offers, as they arrived, into raw_events. */
export function postgresArchiveOptions(
  settings: PostgresArchiveSettings = loadSettings(postgresArchiveSettings),
): BatchingSinkOptions {
  return postgresSink(
    'sink-postgres-archive',
    settings,
    [
      { topic: settings.rawTelemetryTopic, kind: 'rawTelemetry', schema: topics.rawTelemetry },
      { topic: settings.rawPricingTopic, kind: 'rawPricing', schema: topics.rawPricing },
    ],
    // the archive writes no telemetry_readings: no months ahead, no retention of them
    { partitionsAhead: 0, retention: { months: 0, action: 'detach' }, maintenanceMs: 3_600_000 },
  );
}

/** The PostgreSQL sink: normalized telemetry and prices (and collection run outcomes) into PostgreSQL, exactly once per event. */
export function createPostgresSink(...args: Parameters<typeof postgresSinkOptions>): BatchingSink {
  return createBatchingSink(postgresSinkOptions(...args));
}

/** The raw archive sink: every raw record into raw_events, exactly once per Kafka record. */
export function createPostgresArchiveSink(...args: Parameters<typeof postgresArchiveOptions>): BatchingSink {
  return createBatchingSink(postgresArchiveOptions(...args));
}
