-- The raw archive takes a row for every raw record, at the pipeline's full rate, and Sluice reads it
-- back only by Kafka position and by event id. Its GIN index on payload took 16% of the server's CPU
-- per archived row (COPY of 200,000 archived readings: 11.6 µs a row with it, 9.8 without), and more
-- once the index outgrew memory, for containment queries nothing in Sluice makes. A deployment that
-- runs them can build it again (docs/sinks.md).
DROP INDEX IF EXISTS raw_events_payload_idx;
