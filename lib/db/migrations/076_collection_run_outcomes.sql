-- What the pricing processor made of each collection run's events (ops.pricing.run-outcomes.v1):
-- one row per outcome event, keyed by its Kafka coordinates, so a redelivered event never counts twice.
CREATE TABLE collection_run_outcomes (
  topic                text NOT NULL,
  kafka_partition      integer NOT NULL,
  kafka_offset         bigint NOT NULL,
  run_id               text NOT NULL,
  component            text NOT NULL,
  input_topic          text NOT NULL,
  input_partition      integer NOT NULL,
  first_offset         bigint NOT NULL,
  last_offset          bigint NOT NULL,
  normalized           bigint NOT NULL,
  dead_lettered        bigint NOT NULL,
  duplicates           bigint NOT NULL,
  dead_letter_reasons  jsonb NOT NULL DEFAULT '[]'::jsonb,
  notes                jsonb NOT NULL DEFAULT '{}'::jsonb,
  emitted_at           timestamptz NOT NULL,
  loaded_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
CREATE INDEX collection_run_outcomes_run_idx ON collection_run_outcomes (run_id);

-- Each run's totals: normalized, dead-lettered (by stage and reason, with an example) and duplicates.
CREATE VIEW collection_run_results AS
SELECT t.run_id, t.normalized, t.dead_lettered, t.duplicates, t.last_emitted_at,
  (SELECT coalesce(jsonb_agg(jsonb_build_object('stage', r.stage, 'code', r.code, 'count', r.count,
       'example', r.example) ORDER BY r.count DESC, r.stage, r.code), '[]'::jsonb)
   FROM (SELECT e->>'stage' AS stage, e->>'code' AS code, sum((e->>'count')::bigint) AS count,
           min(e->>'example') AS example
         FROM collection_run_outcomes o, jsonb_array_elements(o.dead_letter_reasons) e
         WHERE o.run_id = t.run_id GROUP BY 1, 2) r) AS dead_letter_reasons,
  (SELECT coalesce(jsonb_object_agg(n.note, n.count), '{}'::jsonb)
   FROM (SELECT e.key AS note, sum(e.value::bigint) AS count
         FROM collection_run_outcomes o, jsonb_each_text(o.notes) e
         WHERE o.run_id = t.run_id GROUP BY 1) n) AS notes
FROM (SELECT run_id, sum(normalized)::bigint AS normalized, sum(dead_lettered)::bigint AS dead_lettered,
        sum(duplicates)::bigint AS duplicates, max(emitted_at) AS last_emitted_at
      FROM collection_run_outcomes GROUP BY run_id) t;
