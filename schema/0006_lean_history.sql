-- rosterd schema, migration 6: each user state is stored once.
-- * user_versions holds every version, the open one included, and is the only place a
--   user's columns are stored. It becomes a rowid table: versions are appended in the
--   order runs write them, so its pages fill up (keyed by (source, external_id), inserts
--   in listing order left its pages little more than half full).
-- * `users` becomes a view of each user's open version with the bookkeeping rosterd keeps
--   per user in `user_state` (content hash, getUserInfo hash, the volatile attributes,
--   which history never stores). Its columns and their meanings are unchanged.
-- * A whole-record row of a user in `changes` (added, restored, removed) no longer copies
--   the record: `changes.version` names the user version that holds that state (every user
--   row names the version its run wrote). Portfolios, profiles and campaigns have no
--   versions table and keep their snapshots. `user_changes` shows the snapshot as before.
-- * Indexes only for queries rosterd or the cookbook runs; each says which.
-- rosterd_progress(label, total) is a function rosterd registers while migrating: it
-- counts the rows copied and prints a progress line; it always returns 1.
-- The whole migration is one transaction: interrupted, the database stays at version 5.

DROP VIEW user_changes;
DROP VIEW current_users;

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
  portfolios  TEXT
);
INSERT INTO user_versions_new
  SELECT source, external_id, version, valid_from, valid_to, run_id, op, username, full_name, email, phone,
         extension, role, user_group, active, attributes, portfolios
  FROM user_versions
  WHERE rosterd_progress('user versions', (SELECT count(*) FROM user_versions));
-- The key: `rosterd history`, the `users` view's join, `changes.version`'s lookup.
CREATE UNIQUE INDEX user_versions_by_user ON user_versions_new (source, external_id, version);

-- Per user, what rosterd needs besides the open version: read whole by every run (the
-- stored index), so it is kept narrow.
CREATE TABLE user_state (
  source          TEXT NOT NULL,
  external_id     TEXT NOT NULL,
  version         INTEGER NOT NULL,  -- the open user_versions.version
  removed         INTEGER NOT NULL CHECK (removed = 0 OR removed = 1),  -- its op is 'removed'
  content_hash    INTEGER NOT NULL,
  info_hash       INTEGER,
  live_attributes TEXT,              -- attributes the open version does not hold (volatile), or NULL
  PRIMARY KEY (source, external_id)
) WITHOUT ROWID;
INSERT INTO user_state
  SELECT u.source, u.external_id, u.version, u.removed_at IS NOT NULL, u.content_hash, u.info_hash,
         CASE WHEN u.attributes = v.attributes THEN NULL ELSE (
           SELECT json_group_object(a.key, CASE a.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false')
                                               WHEN 'object' THEN json(a.value) WHEN 'array' THEN json(a.value)
                                               ELSE a.value END)
           FROM json_each(u.attributes) AS a
           WHERE NOT EXISTS (SELECT 1 FROM json_each(v.attributes) AS b WHERE b.key = a.key)) END
  FROM users AS u
  CROSS JOIN user_versions_new AS v ON v.source = u.source AND v.external_id = u.external_id AND v.version = u.version
  WHERE rosterd_progress('users', (SELECT count(*) FROM users));  -- CROSS JOIN: once per users row
UPDATE user_state SET live_attributes = NULL WHERE live_attributes = '{}';

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
  new_value  TEXT,
  version    INTEGER,  -- a user's: the user_versions.version the run wrote; NULL for other entities
  CHECK ((entity = 'user') = (version IS NOT NULL))
);
INSERT INTO changes_new (id, run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value,
                         version)
  SELECT c.id, c.run_id, c.changed_at, c.source, c.entity, c.entity_key, c.change, c.field,
         CASE WHEN c.entity = 'user' AND c.field IS NULL AND c.change <> 'filled' THEN NULL ELSE c.old_value END,
         CASE WHEN c.entity = 'user' AND c.field IS NULL AND c.change <> 'filled' THEN NULL ELSE c.new_value END,
         -- The version the row's run wrote: a run writes one per user, which begins when
         -- the change was recorded.
         CASE WHEN c.entity = 'user' THEN coalesce(
           (SELECT v.version FROM user_versions_new AS v WHERE v.source = c.source AND v.external_id = c.entity_key
              AND v.run_id = c.run_id AND v.valid_from = c.changed_at),
           (SELECT min(v.version) FROM user_versions_new AS v WHERE v.source = c.source AND
              v.external_id = c.entity_key AND v.run_id = c.run_id)) END
  FROM changes AS c
  WHERE rosterd_progress('changes', (SELECT count(*) FROM changes));

DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
-- `rosterd history` and `rosterd changes --source`: one entity's rows.
CREATE INDEX changes_by_entity ON changes (source, entity, entity_key);
-- `rosterd changes --since`, the cookbook's recent changes, and the run clock's latest change.
CREATE INDEX changes_by_time ON changes (changed_at);

DROP TABLE users;
DROP TABLE user_versions;
ALTER TABLE user_versions_new RENAME TO user_versions;
-- One open version per user (the rule), and `rosterd users` (the open versions).
CREATE UNIQUE INDEX user_versions_one_open ON user_versions (source, external_id) WHERE valid_to IS NULL;

-- The current state, as before: the open version, with the volatile attributes (which are
-- never in a version's) spliced into its attributes object after the version's own.
CREATE VIEW users AS
  SELECT s.source, s.external_id, v.username, v.full_name, v.email, v.phone, v.extension, v.role, v.user_group,
         v.active,
         CASE WHEN s.live_attributes IS NULL THEN v.attributes
              WHEN v.attributes = '{}' THEN s.live_attributes
              ELSE substr(v.attributes, 1, length(v.attributes) - 1) || ',' || substr(s.live_attributes, 2)
         END AS attributes,
         v.portfolios, s.version, s.content_hash, s.info_hash,
         (SELECT f.valid_from FROM user_versions AS f
          WHERE f.source = s.source AND f.external_id = s.external_id AND f.version = 1) AS first_seen_at,
         v.valid_from AS updated_at,
         CASE WHEN s.removed THEN v.valid_from END AS removed_at
  FROM user_state AS s
  JOIN user_versions AS v ON v.source = s.source AND v.external_id = s.external_id AND v.version = s.version;

CREATE VIEW current_users AS
  SELECT source, external_id, username, full_name, email, phone, extension, role, user_group, active,
         attributes, portfolios, first_seen_at, updated_at
  FROM users
  WHERE removed_at IS NULL;

-- Each user change with the username the user had at that change (the one of the version
-- its run wrote), and, for a whole-record change, the record's snapshot read from that
-- version: new_value for added and restored, old_value for removed.
CREATE VIEW user_changes AS
  SELECT c.id, c.run_id, c.changed_at, c.source, c.entity_key AS external_id, v.username, c.change, c.field,
         CASE WHEN c.field IS NULL AND c.change = 'removed' THEN
           json_object('username', v.username, 'full_name', v.full_name, 'email', v.email, 'phone', v.phone,
                       'extension', v.extension, 'role', v.role, 'user_group', v.user_group, 'active', v.active,
                       'attributes', json(v.attributes), 'portfolios', json(v.portfolios))
         ELSE c.old_value END AS old_value,
         CASE WHEN c.field IS NULL AND c.change IN ('added', 'restored') THEN
           json_object('username', v.username, 'full_name', v.full_name, 'email', v.email, 'phone', v.phone,
                       'extension', v.extension, 'role', v.role, 'user_group', v.user_group, 'active', v.active,
                       'attributes', json(v.attributes), 'portfolios', json(v.portfolios))
         ELSE c.new_value END AS new_value,
         c.version
  FROM changes AS c
  JOIN user_versions AS v ON v.source = c.source AND v.external_id = c.entity_key AND v.version = c.version
  WHERE c.entity = 'user';
