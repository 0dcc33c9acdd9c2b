-- The PostgreSQL sink expires the months of telemetry_readings older than its retention
-- (SINK_POSTGRES_RETENTION_MONTHS): this function detaches or drops one as the table's owner, so the
-- writer the sink connects as needs no DDL right (as ensure_telemetry_partition creates them).
-- It touches monthly partitions of telemetry_readings only.
CREATE FUNCTION expire_telemetry_partition(partition_name text, drop_it boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF partition_name !~ '^telemetry_readings_[0-9]{6}$' OR NOT EXISTS (
    SELECT FROM pg_inherits
    JOIN pg_class child ON child.oid = pg_inherits.inhrelid
    JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
    WHERE parent.relname = 'telemetry_readings' AND child.relname = partition_name
  ) THEN
    RAISE EXCEPTION 'not a monthly partition of telemetry_readings: %', partition_name;
  END IF;
  IF drop_it THEN
    EXECUTE format('DROP TABLE %I', partition_name);
  ELSE
    EXECUTE format('ALTER TABLE telemetry_readings DETACH PARTITION %I', partition_name);
  END IF;
END $$;
REVOKE ALL ON FUNCTION expire_telemetry_partition(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION expire_telemetry_partition(text, boolean) TO sluice_writer;
