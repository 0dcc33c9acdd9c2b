-- Tables several components share. Never edit an applied migration: add a new numbered file.

-- Device registry: processors enrich readings from it, the API manages it.
CREATE TABLE devices (
  device_id     text PRIMARY KEY,
  site_id       text,
  site_name     text,
  device_type   text,
  latitude      double precision,
  longitude     double precision,
  expected_unit text,
  tags          jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_site_idx ON devices (site_id);

-- API keys, stored hashed (SHA-256 of the key); the prefix lets a person recognise a key.
CREATE TABLE api_keys (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  key_prefix  text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  roles       text[] NOT NULL CHECK (roles <@ ARRAY['ingest', 'read', 'admin']::text[]),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Price collection runs (AWS, Azure) with their progress and resume checkpoint.
CREATE TABLE collection_runs (
  run_id            text PRIMARY KEY,
  provider          text NOT NULL CHECK (provider IN ('aws', 'azure')),
  filters           jsonb NOT NULL DEFAULT '{}'::jsonb,
  status            text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  pages             bigint NOT NULL DEFAULT 0,
  items             bigint NOT NULL DEFAULT 0,
  published         bigint NOT NULL DEFAULT 0,
  failed            bigint NOT NULL DEFAULT 0,
  items_per_second  double precision,
  checkpoint        jsonb,
  error             text,
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_runs_provider_started_idx ON collection_runs (provider, started_at DESC);

-- Consumed offsets of the PostgreSQL sink, written in the same transaction as the rows.
CREATE TABLE sink_offsets (
  consumer_group  text NOT NULL,
  topic           text NOT NULL,
  partition       integer NOT NULL,
  next_offset     bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, partition)
);
