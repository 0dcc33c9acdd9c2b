import { z } from 'zod';
import { positiveInt, type SettingsOf, setting, str } from '../lib/config.ts';

/** A source topic setting: a topic name, or empty to leave that source out. */
export const optionalTopic = z.string().trim();

export interface SinkDefaults {
  groupId: string;
  batchRows: string;
  batchMaxWaitMs: string;
}

/**
 * The settings every sink has, under its own prefix (e.g. SINK_POSTGRES_BATCH_ROWS), so the
 * batching loop is configured the same way whatever the destination.
 */
/** The settings every sink has, as loaded. */
export type SinkSettings = Pick<
  SettingsOf<ReturnType<typeof commonSinkSettings>>,
  'groupId' | 'batchRows' | 'batchMaxWaitMs' | 'retryMaxDelayMs' | 'unclassifiedRetries'
>;

export function commonSinkSettings(prefix: string, destination: string, defaults: SinkDefaults) {
  return {
    groupId: setting(
      `${prefix}_GROUP_ID`,
      str,
      defaults.groupId,
      `Kafka consumer group of the ${destination} sink (its stored offsets are kept under this name).`,
    ),
    batchRows: setting(
      `${prefix}_BATCH_ROWS`,
      positiveInt,
      defaults.batchRows,
      `Rows per write to ${destination}: a batch is written when it has this many rows…`,
    ),
    batchMaxWaitMs: setting(
      `${prefix}_BATCH_MAX_WAIT_MS`,
      positiveInt,
      defaults.batchMaxWaitMs,
      '…or when its oldest row has waited this long (milliseconds).',
    ),
    retryMaxDelayMs: setting(
      `${prefix}_RETRY_MAX_DELAY_MS`,
      positiveInt,
      '5000',
      `Longest pause between attempts while ${destination} is unavailable (consumption is paused meanwhile).`,
    ),
    unclassifiedRetries: setting(
      `${prefix}_UNCLASSIFIED_RETRIES`,
      positiveInt,
      '8',
      'Attempts at a write failing with an unrecognised error before the sink stops (known outages retry forever).',
    ),
  };
}
