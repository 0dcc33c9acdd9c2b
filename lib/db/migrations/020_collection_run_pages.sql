-- Per-page record of price collection runs: the last outcome of each page (or offer-file chunk)
-- of each stream, with its error, so an operator sees exactly where a run stopped and why.
CREATE TABLE collection_run_pages (
  run_id       text NOT NULL REFERENCES collection_runs (run_id) ON DELETE CASCADE,
  stream       text NOT NULL,
  page         bigint NOT NULL,
  source_url   text,
  status       text NOT NULL CHECK (status IN ('published', 'failed')),
  items        integer NOT NULL DEFAULT 0,
  attempts     integer NOT NULL DEFAULT 1,
  error        text,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, stream, page)
);
CREATE INDEX collection_run_pages_failed_idx ON collection_run_pages (run_id) WHERE status = 'failed';
