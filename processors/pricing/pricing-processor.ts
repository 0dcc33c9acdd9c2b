import type { Kafka } from 'kafkajs';
import { loadSettings } from '../../lib/config.ts';
import { topics } from '../../schemas/catalog.ts';
import type { PriceRecord, RawPriceOffer } from '../../schemas/types.ts';
import { runnerTopics } from '../runner/config.ts';
import { type RunnerProgress, TransactionalRunner } from '../runner/transactional-runner.ts';
import { type PricingSettings, pricingSettings } from './config.ts';
import { PricingPipeline } from './pricing-pipeline.ts';

export interface PricingProcessorOptions {
  settings?: PricingSettings;
  kafka?: Kafka;
  component?: string;
  until?: ReadonlyMap<number, number>;
  onProgress?: (progress: RunnerProgress) => void;
}

/** raw.pricing.offers.v1 → normalized.pricing.prices.v1. */
export function createPricingProcessor(
  options: PricingProcessorOptions = {},
): TransactionalRunner<RawPriceOffer, PriceRecord> {
  const settings = options.settings ?? loadSettings(pricingSettings);
  return new TransactionalRunner({
    pipeline: new PricingPipeline(settings, { component: options.component ?? 'pricing-processor' }),
    settings,
    topics: runnerTopics(settings, topics.rawPricing, topics.normalizedPricing),
    kafka: options.kafka,
    until: options.until,
    onProgress: options.onProgress,
  });
}
