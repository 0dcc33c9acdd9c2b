-- The raw archive kept each original twice: byte for byte (`original`) and parsed into `payload`
-- (JSONB). Parsing every archived record's payload cost the server about a third of an archived
-- row (COPY of 400,000 archived readings into copies of raw_events, PostgreSQL 15, backend CPU:
-- 17.2-21.1 µs a row with the column, 11.9-14.9 without; WAL 1,081 against 920 bytes a row), and
-- the sink a JSON parse of its own. The JSONB form is now derived when read: raw_event_payload
-- gives what the column held (the original when it is JSON, else its text as a JSON string, else
-- {"base64": ...} for bytes that are not UTF-8 text or hold NUL). Dropping a column rewrites
-- nothing; an index on payload (docs/sinks.md) goes with it, and is built on the function instead.
CREATE OR REPLACE FUNCTION raw_event_payload(original bytea) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  text_value text;
BEGIN
  BEGIN
    text_value := convert_from(original, 'UTF8');
  EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
    RETURN jsonb_build_object('base64', translate(encode(original, 'base64'), E'\n', ''));
  END;
  BEGIN
    RETURN text_value::jsonb;
  EXCEPTION WHEN invalid_text_representation OR untranslatable_character THEN
    RETURN to_jsonb(text_value);
  END;
END;
$$;

ALTER TABLE raw_events DROP COLUMN IF EXISTS payload;
