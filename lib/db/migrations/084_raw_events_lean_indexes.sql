-- The raw archive takes a row for every raw record at the pipeline's full rate, and Sluice reads it
-- back only by Kafka position and by event id (`=`, the operations API's lineage). Its two other
-- indexes grew past memory first and cost most of an archived row:
-- - event ids are SHA-256 prefixes, so each row landed on a random page of the event-id B-tree
--   (text keys, 585 MB for 8 million rows); a hash index serves `=` at half the size (293 MB);
-- - the (kind, subject, received_at) B-tree took a row per device on 2,000 pages (667 MB); a BRIN
--   index on received_at (24 kB) keeps time windows cheap to find, and a deployment that queries
--   the archive by subject builds the B-tree again (docs/sinks.md).
-- Measured: 8 million archived readings inserted in 200,000-row batches (PostgreSQL 15, 1 GB of
-- shared buffers), backend time a row over rows 2-8 million, the rows' generation included:
-- 16.2 µs with both B-trees, 13.3 with the hash index instead, 9.7 with the BRIN one besides.
-- Rebuilds the event-id index: a large archive is locked while it runs.
DROP INDEX IF EXISTS raw_events_event_id_idx;
CREATE INDEX raw_events_event_id_idx ON raw_events USING hash (event_id);
DROP INDEX IF EXISTS raw_events_subject_received_idx;
CREATE INDEX raw_events_received_at_brin ON raw_events USING brin (received_at);
