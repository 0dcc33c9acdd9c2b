-- Every deployment of the pricing processor (each consumer group reading the raw topic) reports on
-- the same events: a run's results are those of the group that covered the most of its events (the
-- latest to report on a tie), not the sum over groups. Rows loaded before this have group ''.
ALTER TABLE collection_run_outcomes ADD COLUMN consumer_group text NOT NULL DEFAULT '';

CREATE OR REPLACE VIEW collection_run_results AS
WITH per_group AS (
  SELECT run_id, consumer_group, sum(normalized)::bigint AS normalized,
    sum(dead_lettered)::bigint AS dead_lettered, sum(duplicates)::bigint AS duplicates,
    max(emitted_at) AS last_emitted_at
  FROM collection_run_outcomes GROUP BY run_id, consumer_group
), chosen AS (
  SELECT DISTINCT ON (run_id) *
  FROM per_group
  ORDER BY run_id, normalized + dead_lettered + duplicates DESC, last_emitted_at DESC
)
SELECT t.run_id, t.normalized, t.dead_lettered, t.duplicates, t.last_emitted_at,
  (SELECT coalesce(jsonb_agg(jsonb_build_object('stage', r.stage, 'code', r.code, 'count', r.count,
       'example', r.example) ORDER BY r.count DESC, r.stage, r.code), '[]'::jsonb)
   FROM (SELECT e->>'stage' AS stage, e->>'code' AS code, sum((e->>'count')::bigint) AS count,
           min(e->>'example') AS example
         FROM collection_run_outcomes o, jsonb_array_elements(o.dead_letter_reasons) e
         WHERE o.run_id = t.run_id AND o.consumer_group = t.consumer_group GROUP BY 1, 2) r) AS dead_letter_reasons,
  (SELECT coalesce(jsonb_object_agg(n.note, n.count), '{}'::jsonb)
   FROM (SELECT e.key AS note, sum(e.value::bigint) AS count
         FROM collection_run_outcomes o, jsonb_each_text(o.notes) e
         WHERE o.run_id = t.run_id AND o.consumer_group = t.consumer_group GROUP BY 1) n) AS notes,
  t.consumer_group
FROM chosen t;
