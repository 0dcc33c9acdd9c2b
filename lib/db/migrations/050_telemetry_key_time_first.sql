-- telemetry_readings' primary key leads with source_time instead of event_id. Event ids are
-- random, so every insert landed on a random page of the key's index: once a month's index
-- outgrew memory, each row cost a page read. Readings arrive roughly in time order, so keyed by
-- time first they land at the index's right edge. Measured (3 million rows in the partition,
-- 5,000-row batches through the sink's insert): 20.3 µs a row before, 12.3 after. The key still
-- makes (event_id, source_time) unique, and ON CONFLICT (event_id, source_time) still finds it.
-- Rebuilds the key's index on every partition: a large table is locked while it runs.
ALTER TABLE telemetry_readings DROP CONSTRAINT telemetry_readings_pkey;
ALTER TABLE telemetry_readings ADD PRIMARY KEY (source_time, event_id);
