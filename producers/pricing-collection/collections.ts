import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { loadSettings } from '../../lib/config.ts';
import { componentLogger } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import type { CloudProvider } from '../../schemas/types.ts';
import { AwsOfferFileSource } from '../aws-pricing/aws-offer-files.ts';
import { parseAwsFilters } from '../aws-pricing/aws-price-items.ts';
import type { AwsCredentials } from '../aws-pricing/aws-price-list-query.ts';
import { awsPricingSettings } from '../aws-pricing/config.ts';
import { AzureRetailSource } from '../azure-pricing/azure-retail-source.ts';
import { azurePricingSettings } from '../azure-pricing/config.ts';
import { collectionSettings } from './config.ts';
import { OfferPublisher } from './offer-publisher.ts';
import { type CollectionProgress, type PriceSource, PricingCollector } from './pricing-collector.ts';
import { type CollectionRun, CollectionRunStore, type RunFilters } from './run-store.ts';

export interface SourceOptions {
  /** Environment to read the provider's settings from (tests point collectors at a local server). */
  env?: Record<string, string | undefined>;
  /** Static credentials for the AWS Query API instead of the standard chain (tests). */
  awsCredentials?: AwsCredentials;
}

/**
 * The provider's source for a run's filters (validated: bad filters fail before anything is fetched).
 * The AWS SDK is loaded only for the Query API (~20 MB a collector of offer files need not hold).
 */
export async function createPriceSource(
  provider: CloudProvider,
  filters: RunFilters,
  options: SourceOptions = {},
): Promise<PriceSource> {
  const name = `${provider}-pricing-collector`;
  const logger = componentLogger(name);
  const metrics = componentMetrics(name);
  if (provider === 'azure') {
    return new AzureRetailSource(loadSettings(azurePricingSettings, options.env), filters, logger, metrics);
  }
  const settings = loadSettings(awsPricingSettings, options.env);
  if (parseAwsFilters(filters).source === 'bulk')
    return new AwsOfferFileSource(settings, filters, logger, metrics);
  const { AwsPriceListQuerySource } = await import('../aws-pricing/aws-price-list-query.ts');
  return new AwsPriceListQuerySource(settings, filters, logger, metrics, options.awsCredentials);
}

export type CollectionRequest =
  | { kind: 'new'; provider: CloudProvider; filters: RunFilters; runId?: string }
  | { kind: 'resume'; runId: string };

export interface Collection {
  /** Not started yet: start it directly or under runComponents. */
  collector: PricingCollector;
  run: CollectionRun;
  /** Where the run fetches from (a resume: the endpoint configured now, not the one of the first attempt). */
  endpoint: { url: string; setting: string };
  /** Releases the run (its lock) and the source's clients; call after the collector finished. */
  close: () => Promise<void>;
}

/**
 * Creates a run (or reopens one for a resume), holds it for this process and builds its
 * collector. Bad filters fail before a run is created. The caller owns the producer and the pool.
 */
export async function openCollection(
  request: CollectionRequest,
  deps: { kafka: Kafka; pool: pg.Pool; producer: Producer; serde: AvroSerde },
  options: SourceOptions & { onProgress?: (progress: CollectionProgress) => void } = {},
): Promise<Collection> {
  const store = new CollectionRunStore(deps.pool);
  let run: CollectionRun;
  let source: PriceSource;
  let release: () => Promise<void>;
  if (request.kind === 'new') {
    source = await createPriceSource(request.provider, request.filters, options);
    try {
      run = await store.create(request.provider, request.filters, request.runId);
      release = await store.lock(run.runId);
    } catch (err) {
      source.close();
      throw err;
    }
  } else {
    release = await store.lock(request.runId);
    try {
      run = await store.reopen(request.runId);
      source = await createPriceSource(run.provider, run.filters, options);
    } catch (err) {
      await release();
      throw err;
    }
  }
  const settings = loadSettings(collectionSettings, options.env);
  let publisher: OfferPublisher;
  try {
    publisher = await OfferPublisher.start(deps.kafka, deps.serde, {
      topic: settings.offersTopic,
      threads: settings.publisherThreads,
      compression: settings.compression,
      name: `${run.provider}-pricing-publisher`,
    });
  } catch (err) {
    source.close();
    await release();
    throw err;
  }
  const collector = new PricingCollector({
    source,
    store,
    publisher,
    producer: deps.producer,
    serde: deps.serde,
    run,
    settings,
    onProgress: options.onProgress,
  });
  return {
    collector,
    run,
    endpoint: source.endpoint,
    close: async () => {
      source.close();
      await publisher.close();
      await release();
    },
  };
}
