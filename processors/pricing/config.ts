import { z } from 'zod';
import { defineSettings, type SettingsOf, setting, topicName } from '../../lib/config.ts';
import { topics } from '../../schemas/catalog.ts';
import { runnerSettings } from '../runner/config.ts';

/** `EUR=1.08,GBP=1.27`: USD per one unit of each currency, as exact decimal strings. */
const usdRates = z.string().transform((text, ctx) => {
  const rates: Record<string, string> = { USD: '1' };
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Z]{3})=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: `expected CUR=rate entries like EUR=1.08, "${entry}" is not one`,
      });
      continue;
    }
    rates[match[1] as string] = match[2] as string;
  }
  return rates;
});

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(text)), 'expected a real calendar date');

export const pricingSettings = defineSettings('pricing processor', {
  ...runnerSettings('PROCESSOR_PRICING', {
    inputTopic: topics.rawPricing.topic,
    outputTopic: topics.normalizedPricing.topic,
    groupId: 'sluice-pricing-processor',
    // prices come in collection bursts, well below what the main thread processes: no thread heaps to hold
    threads: '0',
  }),
  usdRates: setting(
    'PROCESSOR_PRICING_USD_RATES',
    usdRates,
    'EUR=1.08,GBP=1.27,JPY=0.0067,INR=0.012,AUD=0.66,CAD=0.73,BRL=0.18,CHF=1.13,SEK=0.095,KRW=0.00072',
    'USD per unit of each listed currency (CUR=rate,…); a price in a currency not listed goes to the DLQ.',
  ),
  outcomesTopic: setting(
    'PROCESSOR_PRICING_OUTCOMES_TOPIC',
    z.union([z.literal(''), topicName]),
    topics.pricingRunOutcomes.topic,
    "Topic of each collection run's outcome (normalized, dead-lettered by reason, duplicates), written in the same transactions; empty: not counted.",
  ),
  usdRatesDate: setting(
    'PROCESSOR_PRICING_USD_RATES_DATE',
    isoDate,
    '2026-11-22',
    'Day the USD rates were taken (YYYY-MM-DD), carried with every non-USD price as usdRateDate.',
  ),
});

export type PricingSettings = SettingsOf<typeof pricingSettings>;
