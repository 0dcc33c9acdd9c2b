import { readFileSync } from 'node:fs';

/** A provider's own name for a place: its region code (null where it has none) and display name. */
export interface ProviderLocation {
  code: string | null;
  name: string;
}

/** A Sluice region: one place, with every provider code and display name that is that place. */
export interface SluiceRegion {
  id: string;
  name: string;
  /** ISO 3166 country code; null for global. */
  country: string | null;
  aws: ProviderLocation[];
  azure: ProviderLocation[];
}

/** The region table (schemas/pricing/regions.json): data, read by the processor and the API alike. */
export const regionTable: readonly SluiceRegion[] = (
  JSON.parse(readFileSync(new URL('./regions.json', import.meta.url), 'utf8')) as { regions: SluiceRegion[] }
).regions;

/** The region prices without a place (and billing zones) belong to. */
export const globalRegionId = 'global';
