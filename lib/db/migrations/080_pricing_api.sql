-- The API's comparisons (/api/v1/prices/compare, /cheapest, and the price list's order): the
-- current prices of one kind (category, region, unit, price type) come off this index per provider
-- cheapest first, so a comparison reads only the rows it answers, however many prices there are.
CREATE INDEX pricing_prices_compare_idx
  ON pricing_prices (category, region, unit, price_type, provider, price_per_unit_usd, event_id)
  WHERE effective_to IS NULL;

-- Every statement that changes prices tells listeners once it commits (one notification per
-- transaction): the API keeps answers over current prices until then (api/db/table-changes.ts).
CREATE FUNCTION notify_pricing_prices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pricing_prices_changed', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER pricing_prices_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pricing_prices
  FOR EACH STATEMENT EXECUTE FUNCTION notify_pricing_prices_changed();
