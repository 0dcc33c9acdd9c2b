import { runIdHeader, topics } from '../../schemas/catalog.ts';
import { createProcessor, type Processor, type ProcessorOptions } from '../runner/processor.ts';
import { type PricingSettings, pricingSettings } from './config.ts';

/** raw.pricing.offers.v1 → normalized.pricing.prices.v1, with each collection run's outcome on ops.pricing.run-outcomes.v1. */
export function createPricingProcessor(options: ProcessorOptions<PricingSettings> = {}): Processor {
  return createProcessor(
    {
      component: 'pricing-processor',
      settings: pricingSettings,
      pipelineModule: new URL('./pricing-pipeline.ts', import.meta.url),
      raw: topics.rawPricing,
      normalized: topics.normalizedPricing,
      runOutcomes: ({ outcomesTopic }) =>
        outcomesTopic === ''
          ? undefined
          : { header: runIdHeader, topic: { ...topics.pricingRunOutcomes, topic: outcomesTopic } },
    },
    options,
  );
}
