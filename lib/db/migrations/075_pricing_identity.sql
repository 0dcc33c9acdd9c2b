-- A price is identified by provider, sku, region, currency, price type, term, purchase option and
-- tier start: a collection in EUR adds EUR prices beside the USD ones instead of superseding them.
-- New columns carry what a comparison needs (purchase option, instance type, vCPU, memory, OS,
-- tenancy, storage class) and how USD was computed (rate, date). Versions are closed again under
-- the new identity, which reopens USD prices an earlier collection in another currency had closed.
ALTER TABLE pricing_prices
  ADD COLUMN purchase_option      text NOT NULL DEFAULT '',
  ADD COLUMN offering_class       text,
  ADD COLUMN tier_end             double precision,
  ADD COLUMN amortized            boolean NOT NULL DEFAULT false,
  ADD COLUMN usd_rate             numeric(38, 12),
  ADD COLUMN usd_rate_date        date,
  ADD COLUMN region_mapped        boolean NOT NULL DEFAULT true,
  ADD COLUMN provider_region_name text,
  ADD COLUMN instance_type        text,
  ADD COLUMN vcpu                 double precision,
  ADD COLUMN memory_gib           double precision,
  ADD COLUMN operating_system     text,
  ADD COLUMN tenancy              text,
  ADD COLUMN storage_class        text;

DROP INDEX pricing_prices_key_idx;
CREATE INDEX pricing_prices_key_idx ON pricing_prices
  (provider, sku, region, original_currency, price_type, term, purchase_option, tier_start, effective_from);
DROP INDEX pricing_prices_current_idx;
CREATE INDEX pricing_prices_current_idx ON pricing_prices (category, region, unit, provider)
  WHERE effective_to IS NULL;
CREATE INDEX pricing_prices_instance_idx ON pricing_prices (instance_type, region)
  WHERE effective_to IS NULL AND instance_type IS NOT NULL;

UPDATE pricing_prices p SET effective_to = v.next_from
FROM (
  SELECT event_id, lead(effective_from) OVER (
    PARTITION BY provider, sku, region, original_currency, price_type, term, purchase_option, tier_start
    ORDER BY effective_from, event_id) AS next_from
  FROM pricing_prices
) v
WHERE p.event_id = v.event_id AND p.effective_to IS DISTINCT FROM v.next_from;

-- The price in force now for each identity (re-created: a view keeps the columns it was made with).
DROP VIEW pricing_current;
CREATE VIEW pricing_current AS
  SELECT * FROM pricing_prices WHERE effective_to IS NULL AND effective_from <= now();
