#!/bin/sh
# Run once by the postgres image when it initialises its data directory, as its superuser: the
# roles Sluice connects as, none of them a superuser. `sluice` owns the database and its schema
# (`sluice migrate`, the schema registry); the components write as sluice_writer, and read-only
# clients use sluice_reader. Migration 077 grants them their rights. (docs/operations.md)
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$SLUICE_OWNER_PASSWORD" -v writer="$SLUICE_WRITER_PASSWORD" -v reader="$SLUICE_READER_PASSWORD" <<'SQL'
CREATE ROLE sluice LOGIN NOSUPERUSER NOCREATEROLE PASSWORD :'owner';
CREATE ROLE sluice_writer LOGIN NOSUPERUSER NOCREATEROLE PASSWORD :'writer';
CREATE ROLE sluice_reader LOGIN NOSUPERUSER NOCREATEROLE PASSWORD :'reader';
ALTER DATABASE sluice OWNER TO sluice;
ALTER SCHEMA public OWNER TO sluice;
SQL
