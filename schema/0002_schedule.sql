-- rosterd schema, migration 2: the daemon's schedule, so that `rosterd status`
-- (another process) can tell when each (source, dataset) runs next. Written only
-- by `rosterd run`: at start-up (replacing every row), after each run, on reload.

CREATE TABLE schedule (
  source               TEXT NOT NULL,
  dataset              TEXT NOT NULL,
  interval_ms          INTEGER NOT NULL,
  next_due_at          TEXT,               -- UTC; NULL while the run is in progress
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  pid                  INTEGER NOT NULL,   -- the rosterd run process that owns the schedule
  updated_at           TEXT NOT NULL,
  PRIMARY KEY (source, dataset)
) WITHOUT ROWID;
