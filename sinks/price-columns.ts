import type { PriceRecord } from '../schemas/types.ts';

/**
 * The columns of a price that PostgreSQL's and ClickHouse's pricing_prices share, named as both
 * name them; each writer adds what it stores its own way (decimals, times, flags, Kafka columns).
 * Term and purchase option are '' when absent: they are part of the identity both tables key on.
 */
export function priceColumns(price: PriceRecord) {
  return {
    event_id: price.eventId,
    provider: price.provider,
    service: price.service,
    category: price.category,
    region: price.region,
    region_name: price.regionName,
    original_region: price.originalRegion,
    provider_region_name: price.providerRegionName,
    sku: price.sku,
    product: price.product,
    unit: price.unit,
    original_currency: price.originalCurrency,
    original_unit: price.originalUnit,
    usd_rate_date: price.usdRateDate,
    price_type: price.priceType,
    term: price.term ?? '',
    purchase_option: price.purchaseOption ?? '',
    offering_class: price.offeringClass,
    tier_start: price.tierStart,
    tier_end: price.tierEnd,
    instance_type: price.instanceType,
    vcpu: price.vcpu,
    memory_gib: price.memoryGib,
    operating_system: price.operatingSystem,
    tenancy: price.tenancy,
    storage_class: price.storageClass,
    collection_id: price.collectionId,
    trace_id: price.traceId,
  };
}
