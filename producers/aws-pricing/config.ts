import { z } from 'zod';
import { defineSettings, positiveInt, type SettingsOf, setting, str, url } from '../../lib/config.ts';
import { politenessSettings } from '../pricing-collection/config.ts';

const optionalUrl = z.string().transform((text, ctx) => {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  try {
    new URL(trimmed);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an http or https URL, or nothing for the SDK default',
    });
  }
  return trimmed;
});

export const awsPricingSettings = defineSettings('aws pricing collector', {
  offersUrl: setting(
    'AWS_PRICING_OFFERS_URL',
    url(['http', 'https']),
    'https://pricing.us-east-1.amazonaws.com',
    'Host of the public bulk offer files (/offers/v1.0/aws/index.json); plain HTTPS, no credentials.',
  ),
  queryEndpoint: setting(
    'AWS_PRICING_QUERY_ENDPOINT',
    optionalUrl,
    '',
    'Price List Query API endpoint; empty for the SDK default of AWS_PRICING_QUERY_REGION.',
  ),
  queryRegion: setting(
    'AWS_PRICING_QUERY_REGION',
    str,
    'us-east-1',
    'Region of the Price List Query API (it answers in us-east-1, eu-central-1 and ap-south-1).',
  ),
  chunkItems: setting(
    'AWS_PRICING_CHUNK_ITEMS',
    positiveInt,
    '1000',
    'Price items of an offer file per checkpointed chunk (the resume offset advances chunk by chunk).',
  ),
  ...politenessSettings('AWS_PRICING', 'AWS price list endpoints', {
    concurrency: '4',
    streams: 'Offer files (bulk) or service and region queries (Query API)',
  }),
});

export type AwsPricingSettings = SettingsOf<typeof awsPricingSettings>;
