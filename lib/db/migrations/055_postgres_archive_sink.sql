-- The raw archive became a sink of its own (consumer group sluice-sink-postgres-archive): it takes
-- over where the PostgreSQL sink's default group had archived the raw topics to, instead of
-- archiving them again from the start.
INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset)
SELECT 'sluice-sink-postgres-archive', topic, partition, next_offset
FROM sink_offsets
WHERE consumer_group = 'sluice-sink-postgres'
  AND topic IN ('raw.telemetry.readings.v1', 'raw.pricing.offers.v1')
ON CONFLICT (consumer_group, topic, partition) DO NOTHING;
