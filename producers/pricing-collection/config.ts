import { z } from 'zod';
import {
  defineSettings,
  nonNegativeInt,
  oneOf,
  positiveInt,
  type SettingsOf,
  setting,
  topicName,
} from '../../lib/config.ts';
import { topics } from '../../schemas/catalog.ts';

/** Requests per second may be fractional (0.5 = one request every two seconds). */
const positiveNumber = z.string().transform((text, ctx) => {
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value <= 0)
    ctx.addIssue({ code: 'custom', message: 'expected a positive number' });
  return value;
});

/**
 * How a collector treats a provider's servers. Each provider declares the same knobs under its own
 * prefix (AZURE_PRICING_…, AWS_PRICING_…), so one provider can be throttled without touching the other.
 */
export function politenessSettings(
  prefix: string,
  provider: string,
  defaults: { concurrency: string; streams: string },
) {
  return {
    requestsPerSecond: setting(
      `${prefix}_RATE_LIMIT_RPS`,
      positiveNumber,
      '5',
      `Most requests per second sent to ${provider} (all streams of a run together).`,
    ),
    concurrency: setting(
      `${prefix}_CONCURRENCY`,
      positiveInt,
      defaults.concurrency,
      `${defaults.streams} collected at the same time.`,
    ),
    requestTimeoutMs: setting(
      `${prefix}_REQUEST_TIMEOUT_MS`,
      positiveInt,
      '30000',
      `Time allowed for ${provider} to answer a request (a streamed file: for its headers, then between chunks).`,
    ),
    retries: setting(
      `${prefix}_RETRIES`,
      positiveInt,
      '10',
      `Retries of a request after a 429, 5xx, timeout or dropped connection before its page fails.`,
    ),
    retryInitialMs: setting(
      `${prefix}_RETRY_INITIAL_MS`,
      positiveInt,
      '500',
      'First backoff delay; it doubles per retry, with jitter (a Retry-After header is always honoured).',
    ),
    retryMaxMs: setting(
      `${prefix}_RETRY_MAX_MS`,
      positiveInt,
      '30000',
      'Longest backoff delay between retries.',
    ),
    circuitFailures: setting(
      `${prefix}_CIRCUIT_FAILURES`,
      positiveInt,
      '10',
      `Consecutive failed requests (5xx, timeouts, dropped connections) that open the circuit and fail the run.`,
    ),
    circuitCooldownMs: setting(
      `${prefix}_CIRCUIT_COOLDOWN_MS`,
      positiveInt,
      '60000',
      'How long an open circuit refuses requests before one trial request may close it again.',
    ),
  };
}

export type PolitenessSettings = SettingsOf<ReturnType<typeof politenessSettings>>;

export const collectionSettings = defineSettings('pricing collection', {
  offersTopic: setting(
    'PRICING_COLLECTION_OFFERS_TOPIC',
    topicName,
    topics.rawPricing.topic,
    'Topic the raw price offers are published to (each message carries its run id in the run-id header).',
  ),
  publishBatchItems: setting(
    'PRICING_COLLECTION_PUBLISH_BATCH_ITEMS',
    positiveInt,
    '5000',
    'Most price items sent to Kafka in one acknowledged batch; the checkpoint advances after each batch.',
  ),
  publishBatchBytes: setting(
    'PRICING_COLLECTION_PUBLISH_BATCH_BYTES',
    positiveInt,
    '4194304',
    "Most bytes of price items in one batch, whichever limit comes first (an AWS item with its product is ~2 KB, an Azure item ~0.7 KB); fetching runs at most two batches ahead, so this bounds a collector's memory.",
  ),
  batchesInFlight: setting(
    'PRICING_COLLECTION_BATCHES_IN_FLIGHT',
    positiveInt,
    '3',
    'Batches on their way to Kafka at once; they are acknowledged and checkpointed strictly in order.',
  ),
  publisherThreads: setting(
    'PRICING_COLLECTION_PUBLISHER_THREADS',
    positiveInt,
    '1',
    'Worker threads publishing raw offers, each with its own idempotent producer (more only pay off with spare cores).',
  ),
  compression: setting(
    'PRICING_COLLECTION_COMPRESSION',
    oneOf(['none', 'gzip']),
    'none',
    'Compression of the raw offer batches: gzip shrinks the JSON items about fivefold but costs kafkajs ~15 µs of CPU per item.',
  ),
  heapMb: setting(
    'PRICING_COLLECTION_HEAP_MB',
    positiveInt,
    '128',
    'Old-generation heap of a `sluice collect` process, in MB (it runs itself with this bound): a collection keeps little (an offer file of 200,000 products: ~50 MB); raise it for offer files of millions of products.',
  ),
  progressEventMs: setting(
    'PRICING_COLLECTION_PROGRESS_EVENT_MS',
    positiveInt,
    '10000',
    'Interval between run progress events on ops.pricing.collection-runs.v1 (start and end are always sent).',
  ),
  outcomeWaitMs: setting(
    'PRICING_COLLECTION_OUTCOME_WAIT_MS',
    nonNegativeInt,
    '20000',
    "After a run, how long `sluice collect` waits for the pricing processor's outcome to change before reporting what it has (normalized, dead-lettered) as pending; 0 does not wait.",
  ),
  cancelPollMs: setting(
    'PRICING_COLLECTION_CANCEL_POLL_MS',
    positiveInt,
    '2000',
    'How often a running collection checks PostgreSQL for a cancel request from another process.',
  ),
});

export type CollectionSettings = SettingsOf<typeof collectionSettings>;
