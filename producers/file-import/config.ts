import { defineSettings, positiveInt, type SettingsOf, setting } from '../../lib/config.ts';

export const importFormats = ['csv', 'ndjson', 'json'] as const;
export type ImportFormat = (typeof importFormats)[number];

export const fileImportSettings = defineSettings('file import', {
  batchEvents: setting(
    'FILE_IMPORT_BATCH_EVENTS',
    positiveInt,
    '5000',
    'Readings handed to Kafka at a time (one batch is sent while the next is read).',
  ),
  kafkaBatchBytes: setting(
    'FILE_IMPORT_KAFKA_BATCH_BYTES',
    positiveInt,
    '900000',
    'Bytes per Kafka produce request; keep under the broker message.max.bytes (1 MB by default).',
  ),
  maxReadingBytes: setting(
    'FILE_IMPORT_MAX_READING_BYTES',
    positiveInt,
    '65536',
    'Largest single reading (JSON element, NDJSON line or CSV row); a larger one is rejected.',
  ),
  maxJsonDepth: setting('FILE_IMPORT_MAX_JSON_DEPTH', positiveInt, '16', 'Deepest JSON nesting accepted.'),
  sendTimeoutMs: setting(
    'FILE_IMPORT_SEND_TIMEOUT_MS',
    positiveInt,
    '30000',
    'How long one batch may wait for Kafka before it is retried.',
  ),
});

export type FileImportSettings = SettingsOf<typeof fileImportSettings>;
