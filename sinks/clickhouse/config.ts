import {
  bool,
  defineSettings,
  nonNegativeInt,
  oneOf,
  positiveInt,
  type SettingsOf,
  setting,
} from '../../lib/config.ts';
import { topics } from '../../schemas/catalog.ts';
import { commonSinkSettings, optionalTopic } from '../sink-settings.ts';

export const clickhouseSinkSettings = defineSettings('sink-clickhouse', {
  ...commonSinkSettings('SINK_CLICKHOUSE', 'ClickHouse', {
    groupId: 'sluice-sink-clickhouse',
    // ClickHouse 18.16 spends ~30 ms of CPU on every insert whatever its size (measured with
    // clickhouse-client: 10 × 10k rows 5.5 µs a row, 2 × 50k rows 2.6 µs a row, rollups included).
    // The sink holds a batch and the next: `npm run bench clickhouse-sink` peaked at 341-359 MB
    // with 25,000 against 411-416 MB with 50,000 (314-316 with 10,000), and the sink, Kafka and
    // ClickHouse spent 15.0-17.1 against 16.1-18.8 µs a row: no cost the runs could tell apart.
    batchRows: '25000',
    // a reading waits up to this long in a batch that does not fill: #15 wants it visible within 2 s
    // (p99) at 5,000 readings/s, where batches never fill; two inserts a second cost ClickHouse
    // ~0.03 cores more than one
    batchMaxWaitMs: '500',
  }),
  telemetryTopic: setting(
    'SINK_CLICKHOUSE_TELEMETRY_TOPIC',
    optionalTopic,
    topics.normalizedTelemetry.topic,
    'Normalized telemetry topic loaded into telemetry_readings and its rollups (empty: not loaded).',
  ),
  pricingTopic: setting(
    'SINK_CLICKHOUSE_PRICING_TOPIC',
    optionalTopic,
    topics.normalizedPricing.topic,
    'Normalized price topic loaded into pricing_prices (empty: not loaded).',
  ),
  retentionDays: setting(
    'SINK_CLICKHOUSE_RETENTION_DAYS',
    nonNegativeInt,
    '0',
    'Days of telemetry_readings kept (TTL on current ClickHouse, whole-month partition drops on 18.16); 0 keeps all.',
  ),
  rollupRetentionDays: setting(
    'SINK_CLICKHOUSE_ROLLUP_RETENTION_DAYS',
    nonNegativeInt,
    '0',
    'Days of minute and hour rollups kept, as above; 0 keeps all.',
  ),
  retentionCheckMinutes: setting(
    'SINK_CLICKHOUSE_RETENTION_CHECK_MINUTES',
    positiveInt,
    '60',
    'How often the running sink applies retention (drops expired partitions on 18.16).',
  ),
  dedupeWindow: setting(
    'SINK_CLICKHOUSE_DEDUPE_WINDOW',
    positiveInt,
    '200000',
    'Recent telemetry event ids remembered (refilled from the table at start) so a duplicate re-published upstream is not counted twice in the rollups.',
  ),
  insertInto: setting(
    'SINK_CLICKHOUSE_INSERT_INTO',
    oneOf(['distributed', 'local'] as const),
    'distributed',
    'On a cluster (CLICKHOUSE_CLUSTER): insert through the Distributed tables (rows sharded by their key, any node) or into the replicated tables of the node connected to (one shard only, or every sink on the same node).',
  ),
  asyncInsert: setting(
    'SINK_CLICKHOUSE_ASYNC_INSERT',
    bool,
    'false',
    'Use server-side async inserts (waiting for them) where the server has them (21.11+); ignored on older servers.',
  ),
});

export type ClickHouseSinkSettings = SettingsOf<typeof clickhouseSinkSettings>;
