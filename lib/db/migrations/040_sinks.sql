-- Tables the PostgreSQL sink loads (sinks/postgres). Never edit an applied migration: add a new numbered file.

-- Normalized telemetry, one row per event, partitioned by month of source_time. The sink
-- creates the partitions it needs (and a few months ahead) with ensure_telemetry_partition.
-- The primary key holds source_time because a partitioned table's unique keys must include
-- the partition key; an event id always comes with the same source time, so it is unique per event.
CREATE TABLE telemetry_readings (
  event_id          text NOT NULL,
  source            text NOT NULL,
  device_id         text NOT NULL,
  site_id           text,
  metric            text NOT NULL,
  value             double precision NOT NULL,
  unit              text NOT NULL,
  original_value    double precision,
  original_unit     text,
  source_time       timestamptz NOT NULL,
  received_at       timestamptz NOT NULL,
  processed_at      timestamptz NOT NULL,
  quality_level     text NOT NULL,
  quality_score     double precision NOT NULL,
  quality_flags     jsonb NOT NULL DEFAULT '[]'::jsonb,
  enrichment        jsonb NOT NULL DEFAULT '{}'::jsonb,
  lineage_topic     text NOT NULL,
  lineage_partition integer NOT NULL,
  lineage_offset    bigint NOT NULL,
  trace_id          text,
  loaded_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, source_time)
) PARTITION BY RANGE (source_time);
CREATE INDEX telemetry_readings_device_metric_time_idx ON telemetry_readings (device_id, metric, source_time DESC);

-- Creates the month's partition of telemetry_readings if it is missing; safe to call concurrently.
CREATE FUNCTION ensure_telemetry_partition(in_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', in_month)::date;
  partition_name text := format('telemetry_readings_%s', to_char(first_day, 'YYYYMM'));
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(partition_name));
  IF to_regclass(partition_name) IS NULL THEN
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF telemetry_readings FOR VALUES FROM (%L) TO (%L)',
      partition_name,
      first_day::timestamp AT TIME ZONE 'UTC',
      (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC'
    );
  END IF;
  RETURN partition_name;
END;
$$;

-- Cloud prices with their history: one row per price version (never overwritten). A version is
-- current until the next version of the same price key takes effect (effective_to).
CREATE TABLE pricing_prices (
  event_id            text PRIMARY KEY,
  provider            text NOT NULL,
  service             text NOT NULL,
  category            text NOT NULL,
  region              text NOT NULL,
  region_name         text NOT NULL,
  original_region     text,
  sku                 text NOT NULL,
  product             text,
  price_per_unit_usd  numeric(38, 12) NOT NULL,
  unit                text NOT NULL,
  original_amount     numeric(38, 12) NOT NULL,
  original_currency   text NOT NULL,
  original_unit       text NOT NULL,
  price_type          text NOT NULL,
  term                text NOT NULL DEFAULT '',
  tier_start          double precision NOT NULL DEFAULT 0,
  effective_from      timestamptz NOT NULL,
  effective_to        timestamptz,
  collection_id       text NOT NULL,
  fetched_at          timestamptz NOT NULL,
  processed_at        timestamptz NOT NULL,
  lineage_topic       text NOT NULL,
  lineage_partition   integer NOT NULL,
  lineage_offset      bigint NOT NULL,
  trace_id            text,
  loaded_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pricing_prices_key_idx
  ON pricing_prices (provider, sku, region, price_type, term, tier_start, effective_from);
CREATE INDEX pricing_prices_current_idx
  ON pricing_prices (provider, region, category) WHERE effective_to IS NULL;

-- The price in force now for each provider/sku/region/type/term/tier.
CREATE VIEW pricing_current AS
  SELECT * FROM pricing_prices WHERE effective_to IS NULL AND effective_from <= now();

-- Every raw record as it arrived (telemetry readings and price offers), keyed by its Kafka
-- coordinates so redelivery never duplicates it and a device's resend is kept as sent.
CREATE TABLE raw_events (
  topic            text NOT NULL,
  kafka_partition  integer NOT NULL,
  kafka_offset     bigint NOT NULL,
  event_id         text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('telemetry', 'pricing')),
  source           text NOT NULL,
  subject          text NOT NULL,
  received_at      timestamptz NOT NULL,
  envelope         jsonb NOT NULL,
  payload          jsonb NOT NULL,
  original         bytea NOT NULL,
  loaded_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
CREATE INDEX raw_events_event_id_idx ON raw_events (event_id);
CREATE INDEX raw_events_subject_received_idx ON raw_events (kind, subject, received_at DESC);
CREATE INDEX raw_events_payload_idx ON raw_events USING gin (payload jsonb_path_ops);

-- One row per run of a pipeline component (sinks today), with what it wrote.
CREATE TABLE pipeline_runs (
  run_id          text PRIMARY KEY,
  component       text NOT NULL,
  consumer_group  text,
  host            text NOT NULL,
  pid             integer NOT NULL,
  status          text NOT NULL CHECK (status IN ('running', 'stopped', 'failed')),
  rows_written    bigint NOT NULL DEFAULT 0,
  rows_rejected   bigint NOT NULL DEFAULT 0,
  error           text,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_runs_component_started_idx ON pipeline_runs (component, started_at DESC);
