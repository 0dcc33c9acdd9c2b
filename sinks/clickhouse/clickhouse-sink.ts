import { clickhouseLayout, clickhouseSettings, createClickHouse } from '../../lib/clickhouse.ts';
import { loadSettings } from '../../lib/config.ts';
import { SluiceError } from '../../lib/errors.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger } from '../../lib/logger.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { type BatchingSink, type BatchingSinkOptions, createBatchingSink } from '../batching-sink.ts';
import { type ClickHouseSourceKind, ClickHouseWriter } from './clickhouse-writer.ts';
import { type ClickHouseSinkSettings, clickhouseSinkSettings } from './config.ts';

const component = 'sink-clickhouse';

/** What the ClickHouse sink is made of (a benchmark wraps the writer to time it). */
export function clickhouseSinkOptions(
  settings: ClickHouseSinkSettings = loadSettings(clickhouseSinkSettings),
) {
  const sources = [
    {
      topic: settings.telemetryTopic,
      kind: 'telemetry' as ClickHouseSourceKind,
      schema: topics.normalizedTelemetry,
    },
    {
      topic: settings.pricingTopic,
      kind: 'pricing' as ClickHouseSourceKind,
      schema: topics.normalizedPricing,
    },
  ].filter(({ topic }) => topic !== '');
  if (sources.length === 0) {
    throw new SluiceError(
      'ING_CONFIG_INVALID',
      'the ClickHouse sink has no source topic: set SINK_CLICKHOUSE_TELEMETRY_TOPIC or SINK_CLICKHOUSE_PRICING_TOPIC',
    );
  }
  const connection = loadSettings(clickhouseSettings);
  const writer = new ClickHouseWriter({
    client: createClickHouse(connection),
    layout: clickhouseLayout(connection),
    groupId: settings.groupId,
    insertInto: settings.insertInto,
    credentials: { user: connection.user, password: connection.password },
    sources: new Map(sources.map(({ topic, kind }) => [topic, kind])),
    retention: { readingsDays: settings.retentionDays, rollupDays: settings.rollupRetentionDays },
    retentionCheckMs: settings.retentionCheckMinutes * 60_000,
    asyncInsert: settings.asyncInsert,
    dedupeWindow: settings.dedupeWindow,
    logger: componentLogger(component),
  });
  return {
    name: component,
    kafka: createKafka(component),
    serde: new AvroSerde(createRegistryClient()),
    groupId: settings.groupId,
    sources: sources.map(({ topic, schema }) => ({ ...schema, topic })),
    writer,
    batchRows: settings.batchRows,
    batchMaxWaitMs: settings.batchMaxWaitMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    unclassifiedRetries: settings.unclassifiedRetries,
  } satisfies BatchingSinkOptions;
}

/** The ClickHouse sink: normalized telemetry (with rollups) and prices into ClickHouse, each row once. */
export function createClickHouseSink(...args: Parameters<typeof clickhouseSinkOptions>): BatchingSink {
  return createBatchingSink(clickhouseSinkOptions(...args));
}
