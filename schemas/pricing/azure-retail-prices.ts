/**
 * The Azure Retail Prices API (`GET https://prices.azure.com/api/retail/prices`,
 * api-version 2023-01-01-preview) as Microsoft documents it: one page of `Items`, chained by
 * `NextPageLink`. Collectors publish each item verbatim; processors read it with these types.
 */

/** A savings-plan price of a consumption meter (only in api-version 2023-01-01-preview). */
export interface AzureSavingsPlanPrice {
  /** Price per unitOfMeasure of the item under the plan, in the item's currency. */
  retailPrice: number;
  unitPrice: number;
  /** '1 Year' or '3 Years'. */
  term: string;
}

/** One `Items[]` element. */
export interface AzureRetailItem {
  currencyCode: string;
  /** Usage (in unitOfMeasure) from which this tier's price applies. */
  tierMinimumUnits: number;
  /** '1 Year', '3 Years' or '5 Years'; only on type 'Reservation'. */
  reservationTerm?: string;
  /** Price without discount; for a reservation the price of the whole term. */
  retailPrice: number;
  unitPrice: number;
  /** Region code, e.g. eastus; '' for prices without a region, 'Zone 1'… for billing zones. */
  armRegionName: string;
  /** Region display name, e.g. 'US East'. */
  location: string;
  effectiveStartDate: string;
  effectiveEndDate?: string;
  meterId: string;
  meterName: string;
  productId: string;
  skuId: string;
  productName: string;
  skuName: string;
  serviceName: string;
  serviceId: string;
  serviceFamily: string;
  /** '1 Hour', '100 Hours', '1 GB/Month', '10K', '1/Month', … */
  unitOfMeasure: string;
  /** Consumption, Reservation or DevTestConsumption. */
  type: string;
  isPrimaryMeterRegion: boolean;
  armSkuName: string;
  savingsPlan?: AzureSavingsPlanPrice[];
}

/** One page of the API's answer. */
export interface AzureRetailPage {
  BillingCurrency: string;
  CustomerEntityId: string;
  CustomerEntityType: string;
  Items: AzureRetailItem[];
  NextPageLink: string | null;
  Count: number;
}

/**
 * Each savingsPlan[] entry is a price of its own: the collector publishes the item once more per
 * entry, with this raw-event attribute naming the entry's term ('1 Year'), and the processor prices
 * that entry (price type savings_plan) instead of the item's own price.
 */
export const savingsPlanTermAttribute = 'savingsPlanTerm';
