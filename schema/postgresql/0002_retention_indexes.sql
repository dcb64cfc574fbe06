-- rosterd PostgreSQL schema, migration 2: retention (README, "Retention") deletes old
-- sync_runs rows, and each delete checks the foreign keys of user_stats and
-- agent_status_log: without an index on run_id, a scan of the whole table per run.
CREATE INDEX user_stats_by_run ON user_stats (run_id);
CREATE INDEX agent_status_log_by_run ON agent_status_log (run_id);
