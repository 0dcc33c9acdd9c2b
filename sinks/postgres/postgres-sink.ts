import { loadSettings } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { type TopicContract, topics } from '../../schemas/catalog.ts';
import { BatchingSink, type BatchingSinkOptions } from '../batching-sink.ts';
import { type PostgresSinkSettings, postgresSinkSettings } from './config.ts';
import { type PostgresSourceKind, PostgresWriter } from './postgres-writer.ts';

const component = 'sink-postgres';

/** Each configured source topic, read with the schema of what it holds. */
function postgresSources(
  settings: PostgresSinkSettings,
): { contract: TopicContract; kind: PostgresSourceKind }[] {
  const configured = [
    { topic: settings.telemetryTopic, kind: 'telemetry', schema: topics.normalizedTelemetry },
    { topic: settings.pricingTopic, kind: 'pricing', schema: topics.normalizedPricing },
    { topic: settings.rawTelemetryTopic, kind: 'rawTelemetry', schema: topics.rawTelemetry },
    { topic: settings.rawPricingTopic, kind: 'rawPricing', schema: topics.rawPricing },
    { topic: settings.runOutcomesTopic, kind: 'runOutcomes', schema: topics.pricingRunOutcomes },
  ] as const;
  return configured
    .filter(({ topic }) => topic !== '')
    .map(({ topic, kind, schema }) => ({ contract: { ...schema, topic }, kind }));
}

/** What the PostgreSQL sink is made of (a benchmark wraps the writer to time it). */
export function postgresSinkOptions(settings: PostgresSinkSettings = loadSettings(postgresSinkSettings)) {
  const sources = postgresSources(settings);
  if (sources.length === 0) {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      'the PostgreSQL sink has no source topic: set at least one SINK_POSTGRES_*_TOPIC',
    );
  }
  const pool = createPgPool();
  const logger = componentLogger(component);
  // an idle connection dropped by a database restart must not crash the process
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL connection lost'));
  const writer = new PostgresWriter({
    pool,
    component,
    consumerGroup: settings.groupId,
    sources: new Map(sources.map(({ contract, kind }) => [contract.topic, kind])),
    partitionsAhead: settings.partitionsAhead,
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
  } satisfies BatchingSinkOptions;
}

/** The PostgreSQL sink: normalized and raw topics into PostgreSQL, exactly once per event. */
export function createPostgresSink(...args: Parameters<typeof postgresSinkOptions>): BatchingSink {
  return new BatchingSink(postgresSinkOptions(...args));
}
