-- Least privilege. The role running the migrations owns the schema and alone changes it; the
-- components connect as sluice_writer (rows only: read, insert, update, delete; no DDL) and the API
-- as sluice_reader (read only). Neither is created here when missing and the migrating role may not
-- create roles: then an administrator creates them first (docs/operations.md). The grants cover
-- every table and view made before (pricing, device_states, run outcomes) and, by default
-- privileges, those the owner makes later.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_writer') THEN
    CREATE ROLE sluice_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sluice_reader') THEN
    CREATE ROLE sluice_reader NOLOGIN;
  END IF;
END $$;

-- (PostgreSQL 15 and later revoke it already; earlier versions let every role create tables)
DO $$
BEGIN
  IF pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE') THEN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  END IF;
END $$;
GRANT USAGE ON SCHEMA public TO sluice_writer, sluice_reader;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sluice_writer;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sluice_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sluice_reader;
-- tables and partitions the owner creates later get the same grants
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sluice_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO sluice_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO sluice_reader;

-- The sink creates a month's partition when its first reading arrives: the function does it as
-- its owner, so the writer needs no DDL right.
ALTER FUNCTION ensure_telemetry_partition(date) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION ensure_telemetry_partition(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_telemetry_partition(date) TO sluice_writer;
