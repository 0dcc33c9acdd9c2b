import { defineSettings, port, positiveInt, type SettingsOf, setting, str } from '../../lib/config.ts';

export const httpGatewaySettings = defineSettings('http gateway', {
  host: setting(
    'HTTP_GATEWAY_HOST',
    str,
    '127.0.0.1',
    'Address the ingest gateway listens on (0.0.0.0 to take readings from other machines).',
  ),
  port: setting(
    'HTTP_GATEWAY_PORT',
    port,
    '8090',
    'Port of POST /v1/ingest/telemetry and /v1/ingest/telemetry/csv.',
  ),
  workers: setting(
    'HTTP_GATEWAY_WORKERS',
    positiveInt,
    '1',
    'Processes serving the port when the gateway runs alone (`sluice run gateway`): Node cluster workers, each with its own Kafka producer. One process uses one core; give it the cores you can spare.',
  ),
  maxBodyBytes: setting(
    'HTTP_GATEWAY_MAX_BODY_BYTES',
    positiveInt,
    String(5 * 1024 * 1024),
    'Largest request body; a larger one is answered 413 before it is read.',
  ),
  maxItems: setting(
    'HTTP_GATEWAY_MAX_ITEMS',
    positiveInt,
    '10000',
    'Most readings in one request (array elements, NDJSON lines or CSV readings); more is answered 413.',
  ),
  maxReadingBytes: setting(
    'HTTP_GATEWAY_MAX_READING_BYTES',
    positiveInt,
    '16384',
    'Largest single reading (its original bytes go to Kafka); a larger one is rejected with a reason.',
  ),
  maxJsonDepth: setting(
    'HTTP_GATEWAY_MAX_JSON_DEPTH',
    positiveInt,
    '16',
    'Deepest JSON nesting accepted (the batch array counts as one level); deeper is answered 400.',
  ),
  maxBufferedEvents: setting(
    'HTTP_GATEWAY_MAX_BUFFERED_EVENTS',
    positiveInt,
    '200000',
    'Readings waiting for Kafka acknowledgement; when full, requests are answered 429 with Retry-After.',
  ),
  kafkaBatchBytes: setting(
    'HTTP_GATEWAY_KAFKA_BATCH_BYTES',
    positiveInt,
    '900000',
    'Bytes per Kafka produce request; keep under the broker message.max.bytes (1 MB by default).',
  ),
  sendTimeoutMs: setting(
    'HTTP_GATEWAY_SEND_TIMEOUT_MS',
    positiveInt,
    '5000',
    'How long a request waits for Kafka to acknowledge before it is answered 503.',
  ),
  sendRetries: setting(
    'HTTP_GATEWAY_SEND_RETRIES',
    positiveInt,
    '2',
    'kafkajs retries of one send before the gateway answers 503 and replaces its producer.',
  ),
  retryAfterSeconds: setting(
    'HTTP_GATEWAY_RETRY_AFTER_SECONDS',
    positiveInt,
    '2',
    'Retry-After sent with 429 and 503 answers.',
  ),
  apiKeyCacheMs: setting(
    'HTTP_GATEWAY_API_KEY_CACHE_MS',
    positiveInt,
    '30000',
    'How long a verified API key is remembered (a revoked key stops working within this time).',
  ),
});

export type HttpGatewaySettings = SettingsOf<typeof httpGatewaySettings>;
