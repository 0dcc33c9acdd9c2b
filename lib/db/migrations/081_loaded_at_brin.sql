-- The API's end-to-end latency (GET /api/v1/pipeline) reads the readings loaded in the last minute:
-- a BRIN index on the append-ordered loaded_at finds them without scanning the month, at almost no
-- cost to the sink's inserts.
CREATE INDEX IF NOT EXISTS telemetry_readings_loaded_at_brin ON telemetry_readings USING brin (loaded_at);
