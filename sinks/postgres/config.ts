import {
  defineSettings,
  nonNegativeInt,
  oneOf,
  positiveInt,
  type SettingsOf,
  setting,
} from '../../lib/config.ts';
import { topics } from '../../schemas/catalog.ts';
import { commonSinkSettings, optionalTopic } from '../sink-settings.ts';

export const postgresSinkSettings = defineSettings('sink-postgres', {
  ...commonSinkSettings('SINK_POSTGRES', 'PostgreSQL', {
    groupId: 'sluice-sink-postgres',
    batchRows: '5000',
    batchMaxWaitMs: '250',
  }),
  telemetryTopic: setting(
    'SINK_POSTGRES_TELEMETRY_TOPIC',
    optionalTopic,
    topics.normalizedTelemetry.topic,
    'Normalized telemetry topic loaded into telemetry_readings (empty: not loaded).',
  ),
  pricingTopic: setting(
    'SINK_POSTGRES_PRICING_TOPIC',
    optionalTopic,
    topics.normalizedPricing.topic,
    'Normalized price topic loaded into pricing_prices (empty: not loaded).',
  ),
  runOutcomesTopic: setting(
    'SINK_POSTGRES_RUN_OUTCOMES_TOPIC',
    optionalTopic,
    topics.pricingRunOutcomes.topic,
    'Collection run outcomes (from the pricing processor) loaded into collection_run_outcomes, which the run records read (empty: not loaded).',
  ),
  partitionsAhead: setting(
    'SINK_POSTGRES_PARTITIONS_AHEAD',
    positiveInt,
    '3',
    'Monthly telemetry_readings partitions created ahead of the current month (months seen in data are created as they come).',
  ),
  retentionMonths: setting(
    'SINK_POSTGRES_RETENTION_MONTHS',
    nonNegativeInt,
    '0',
    'Whole months of telemetry_readings kept before the current one; older monthly partitions are detached or dropped (SINK_POSTGRES_RETENTION_ACTION) and older readings go to the DLQ. 0 keeps all.',
  ),
  retentionAction: setting(
    'SINK_POSTGRES_RETENTION_ACTION',
    oneOf(['detach', 'drop'] as const),
    'detach',
    'What happens to an expired month: detach (a table of its own, telemetry_readings_YYYYMM, to archive and drop later) or drop.',
  ),
  maintenanceMinutes: setting(
    'SINK_POSTGRES_PARTITION_CHECK_MINUTES',
    positiveInt,
    '60',
    'How often the running sink creates the months ahead and applies the retention.',
  ),
});

export type PostgresSinkSettings = SettingsOf<typeof postgresSinkSettings>;

/**
 * The raw archive is a sink of its own (own consumer group, own batches): archiving a raw record
 * costs PostgreSQL about as much again as loading its normalized reading, so sharing batches
 * made the normalized rows wait behind it (a quarter of the sink's rate inside `sluice up`).
 */
export const postgresArchiveSettings = defineSettings('sink-postgres-archive', {
  ...commonSinkSettings('SINK_POSTGRES_ARCHIVE', 'PostgreSQL raw archive', {
    groupId: 'sluice-sink-postgres-archive',
    batchRows: '5000',
    batchMaxWaitMs: '1000',
  }),
  rawTelemetryTopic: setting(
    'SINK_POSTGRES_ARCHIVE_RAW_TELEMETRY_TOPIC',
    optionalTopic,
    topics.rawTelemetry.topic,
    'Raw telemetry topic archived into raw_events (empty: not archived).',
  ),
  rawPricingTopic: setting(
    'SINK_POSTGRES_ARCHIVE_RAW_PRICING_TOPIC',
    optionalTopic,
    topics.rawPricing.topic,
    'Raw price offer topic archived into raw_events (empty: not archived).',
  ),
});

export type PostgresArchiveSettings = SettingsOf<typeof postgresArchiveSettings>;
