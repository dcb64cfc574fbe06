-- rosterd schema, migration 5:
-- * sync_runs.status 'interrupted': a run stopped by SIGTERM or SIGINT (a planned stop or
--   restart) is rolled back and recorded as such, not as a failure.
-- * sync_runs.filled: users whose record gained data rosterd had never read before (a newly
--   enabled per-user dataset, a field an upgraded rosterd starts reading). A first fill is
--   not a vendor change: it makes a user_versions row with op 'filled' and one `changes`
--   row with change 'filled', never a field-by-field flood of "null -> value" rows.
-- * the reader version of each (source, dataset), to recognise the first run after an
--   upgrade that reads more of a vendor's records.
-- * user_changes shows the username the user had at that change, as `rosterd changes` does.
-- * indexes that let a run find the latest time already recorded in one step, so that a
--   wall clock that steps back never makes a run's times go back (README, "Time").
-- SQLite cannot change a CHECK in place: the three tables are rebuilt the documented way
-- (new table, copy, drop, rename) inside the migration's transaction, foreign keys off.

DROP VIEW user_changes;

CREATE TABLE sync_runs_new (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  dataset     TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status = 'running' OR status = 'ok' OR status = 'failed' OR
                                   status = 'refused' OR status = 'partial' OR status = 'interrupted'),
  error       TEXT,
  fetched     INTEGER NOT NULL DEFAULT 0,
  added       INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  removed     INTEGER NOT NULL DEFAULT 0,
  restored    INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  requests    INTEGER NOT NULL DEFAULT 0,
  bytes       INTEGER NOT NULL DEFAULT 0,
  pid         INTEGER,           -- the rosterd process that ran it (to spot runs a crash left 'running')
  filled      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_runs_new (id, source, dataset, started_at, finished_at, status, error, fetched, added, updated,
                           removed, restored, unchanged, requests, bytes, pid)
  SELECT id, source, dataset, started_at, finished_at, status, error, fetched, added, updated,
         -- A refused run removed nothing, whatever its row said before this migration.
         CASE WHEN status = 'refused' THEN 0 ELSE removed END, restored, unchanged, requests, bytes, pid
  FROM sync_runs;
DROP TABLE sync_runs;
ALTER TABLE sync_runs_new RENAME TO sync_runs;
-- `rosterd status` (the latest run per source and dataset).
CREATE INDEX sync_runs_by_source ON sync_runs (source, dataset, id);
-- The run clock: the latest start and end recorded.
CREATE INDEX sync_runs_by_start ON sync_runs (started_at);
CREATE INDEX sync_runs_by_finish ON sync_runs (finished_at);

CREATE TABLE user_versions_new (
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  version     INTEGER NOT NULL,
  valid_from  TEXT NOT NULL,
  valid_to    TEXT,
  run_id      INTEGER NOT NULL REFERENCES sync_runs (id),
  op          TEXT NOT NULL CHECK (op = 'added' OR op = 'updated' OR op = 'removed' OR op = 'restored' OR
                                   op = 'filled'),
  username    TEXT,
  full_name   TEXT,
  email       TEXT,
  phone       TEXT,
  extension   TEXT,
  role        TEXT,
  user_group  TEXT,
  active      INTEGER CHECK (active = 0 OR active = 1),
  attributes  TEXT NOT NULL DEFAULT '{}',
  portfolios  TEXT,
  PRIMARY KEY (source, external_id, version)
) WITHOUT ROWID;
INSERT INTO user_versions_new
  SELECT source, external_id, version, valid_from, valid_to, run_id, op, username, full_name, email, phone,
         extension, role, user_group, active, attributes, portfolios
  FROM user_versions;
DROP TABLE user_versions;
ALTER TABLE user_versions_new RENAME TO user_versions;
CREATE UNIQUE INDEX user_versions_one_open ON user_versions (source, external_id) WHERE valid_to IS NULL;
CREATE INDEX user_versions_by_time ON user_versions (source, valid_from);

CREATE TABLE changes_new (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES sync_runs (id),
  changed_at TEXT NOT NULL,
  source     TEXT NOT NULL,
  entity     TEXT NOT NULL CHECK (entity = 'user' OR entity = 'portfolio' OR entity = 'profile' OR entity = 'campaign'),
  entity_key TEXT NOT NULL,
  change     TEXT NOT NULL CHECK (change = 'added' OR change = 'updated' OR change = 'removed' OR
                                  change = 'restored' OR change = 'filled'),
  field      TEXT,  -- NULL for whole-record changes and fills; 'attributes.<key>'; 'portfolios'
  old_value  TEXT,
  new_value  TEXT
);
INSERT INTO changes_new
  SELECT id, run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
CREATE INDEX changes_by_entity ON changes (source, entity, entity_key);
CREATE INDEX changes_by_time ON changes (changed_at);
CREATE INDEX changes_by_run ON changes (run_id);

-- Which version of rosterd's reader last listed each (source, dataset) successfully.
CREATE TABLE dataset_readers (
  source         TEXT NOT NULL,
  dataset        TEXT NOT NULL,
  reader_version INTEGER NOT NULL,
  PRIMARY KEY (source, dataset)
) WITHOUT ROWID;

-- Each user change with the username the user had at that change: the one of the version
-- the same run wrote (every user change writes one), exactly as `rosterd changes` labels it.
CREATE VIEW user_changes AS
  SELECT c.id, c.run_id, c.changed_at, c.source, c.entity_key AS external_id,
         (SELECT v.username FROM user_versions AS v
          WHERE v.source = c.source AND v.external_id = c.entity_key AND v.run_id = c.run_id) AS username,
         c.change, c.field, c.old_value, c.new_value
  FROM changes AS c
  WHERE c.entity = 'user';
