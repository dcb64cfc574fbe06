-- rosterd schema, migration 1: users with full history, the field-level audit
-- log, portfolios/profiles/campaigns, and the run log. Timestamps are UTC
-- ISO-8601 text with milliseconds and 'Z' ("2026-03-01T09:00:00.000Z").

-- One row per run of one dataset of one source.
CREATE TABLE sync_runs (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  dataset     TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'refused', 'partial')),
  error       TEXT,
  fetched     INTEGER NOT NULL DEFAULT 0,
  added       INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  removed     INTEGER NOT NULL DEFAULT 0,
  restored    INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  requests    INTEGER NOT NULL DEFAULT 0,
  bytes       INTEGER NOT NULL DEFAULT 0,
  pid         INTEGER            -- the rosterd process that ran it (to spot runs a crash left 'running')
);
CREATE INDEX sync_runs_by_source ON sync_runs (source, dataset, id);

-- Current state: one row per (source, external_id); removed users stay with removed_at set.
CREATE TABLE users (
  source        TEXT NOT NULL,
  external_id   TEXT NOT NULL,
  username      TEXT,
  full_name     TEXT,
  email         TEXT,
  phone         TEXT,
  extension     TEXT,
  role          TEXT,
  user_group    TEXT,
  active        INTEGER CHECK (active IN (0, 1)),
  attributes    TEXT NOT NULL DEFAULT '{}',
  portfolios    TEXT,              -- JSON array of portfolio codes (CrocoDial), else NULL
  version       INTEGER NOT NULL,  -- the user's current user_versions.version
  content_hash  INTEGER NOT NULL,  -- hash of the normalized record: unchanged records are not written
  first_seen_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  removed_at    TEXT,
  PRIMARY KEY (source, external_id)
) WITHOUT ROWID;

-- Full history (SCD type 2): one row per version; valid_to NULL = current.
CREATE TABLE user_versions (
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  version     INTEGER NOT NULL,
  valid_from  TEXT NOT NULL,
  valid_to    TEXT,
  run_id      INTEGER NOT NULL REFERENCES sync_runs (id),
  op          TEXT NOT NULL CHECK (op IN ('added', 'updated', 'removed', 'restored')),
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
CREATE UNIQUE INDEX user_versions_one_open ON user_versions (source, external_id) WHERE valid_to IS NULL;
CREATE INDEX user_versions_by_time ON user_versions (source, valid_from);

-- Field-level audit log for every entity.
CREATE TABLE changes (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES sync_runs (id),
  changed_at TEXT NOT NULL,
  source     TEXT NOT NULL,
  entity     TEXT NOT NULL CHECK (entity IN ('user', 'portfolio', 'profile', 'campaign')),
  entity_key TEXT NOT NULL,
  change     TEXT NOT NULL CHECK (change IN ('added', 'updated', 'removed', 'restored')),
  field      TEXT,  -- NULL for whole-record changes; 'attributes.<key>'; 'portfolios'
  old_value  TEXT,
  new_value  TEXT
);
CREATE INDEX changes_by_entity ON changes (source, entity, entity_key);
CREATE INDEX changes_by_time ON changes (changed_at);
CREATE INDEX changes_by_run ON changes (run_id);

CREATE TABLE portfolios (
  source        TEXT NOT NULL,
  code          TEXT NOT NULL,
  name          TEXT,
  attributes    TEXT NOT NULL DEFAULT '{}',
  content_hash  INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  removed_at    TEXT,
  PRIMARY KEY (source, code)
) WITHOUT ROWID;

CREATE TABLE profiles (
  source        TEXT NOT NULL,
  profile_id    TEXT NOT NULL,
  name          TEXT,
  attributes    TEXT NOT NULL DEFAULT '{}',
  content_hash  INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  removed_at    TEXT,
  PRIMARY KEY (source, profile_id)
) WITHOUT ROWID;

CREATE TABLE campaigns (
  source        TEXT NOT NULL,
  campaign_id   TEXT NOT NULL,
  name          TEXT,
  attributes    TEXT NOT NULL DEFAULT '{}',
  content_hash  INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  removed_at    TEXT,
  PRIMARY KEY (source, campaign_id)
) WITHOUT ROWID;

-- The portfolio set of each user row (CrocoDial allowed_companys), mirroring users.portfolios.
CREATE TABLE user_portfolios (
  source      TEXT NOT NULL,
  external_id TEXT NOT NULL,
  portfolio   TEXT NOT NULL,
  PRIMARY KEY (source, external_id, portfolio)
) WITHOUT ROWID;
CREATE INDEX user_portfolios_by_portfolio ON user_portfolios (source, portfolio);

CREATE VIEW current_users AS
  SELECT source, external_id, username, full_name, email, phone, extension, role, user_group, active,
         attributes, portfolios, first_seen_at, updated_at
  FROM users
  WHERE removed_at IS NULL;

CREATE VIEW user_changes AS
  SELECT c.id, c.run_id, c.changed_at, c.source, c.entity_key AS external_id, u.username,
         c.change, c.field, c.old_value, c.new_value
  FROM changes AS c
  LEFT JOIN users AS u ON u.source = c.source AND u.external_id = c.entity_key
  WHERE c.entity = 'user';
