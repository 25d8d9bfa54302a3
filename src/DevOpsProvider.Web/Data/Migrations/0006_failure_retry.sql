-- A failed run (Jira unreachable or failing past the request retries) is followed by a retry of its own, with a
-- backoff that grows with the failures in a row; and a site with a run waiting in the queue is not queued again.
ALTER TABLE tenant_sync
    -- Failed runs in a row; 0 after a run succeeds.
    ADD COLUMN failure_streak integer NOT NULL DEFAULT 0,
    -- When the scheduled retry is due; one retry at a time is scheduled per site.
    ADD COLUMN retry_due_at timestamptz,
    -- A run of the site is waiting in Hangfire's queue since then; cleared when a run of the site starts.
    ADD COLUMN run_queued_at timestamptz;
