import { defineSettings, type SettingsOf, setting, str, url } from '../../lib/config.ts';
import { politenessSettings } from '../pricing-collection/config.ts';

export const azurePricingSettings = defineSettings('azure pricing collector', {
  url: setting(
    'AZURE_PRICING_URL',
    url(['http', 'https']),
    'https://prices.azure.com/api/retail/prices',
    'Azure Retail Prices API endpoint (public, no credentials).',
  ),
  apiVersion: setting(
    'AZURE_PRICING_API_VERSION',
    str,
    '2023-01-01-preview',
    'api-version query parameter sent with the first page (NextPageLink carries it on).',
  ),
  ...politenessSettings('AZURE_PRICING', 'the Azure Retail Prices API', {
    concurrency: '2',
    streams: 'Service streams (one per name given to --service)',
  }),
});

export type AzurePricingSettings = SettingsOf<typeof azurePricingSettings>;
