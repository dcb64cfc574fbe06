-- rosterd schema, migration 3: CrocoDial's per-user datasets. user_stats holds
-- getUserInfo's daily statistics; agent_status and agent_status_log hold what
-- getLiveAgentInfo reports, as the current state and as intervals between polls.

-- The getUserInfo part of a CrocoDial user (email, user_group, phone and the
-- attributes prefixed "user_info.") is hashed apart from the listing's part, so
-- that the users listing and user_stats never undo each other's fields.
ALTER TABLE users ADD COLUMN info_hash INTEGER;

-- One row per user per day. Durations in seconds; counts as integers.
CREATE TABLE user_stats (
  source                 TEXT NOT NULL,
  external_id            TEXT NOT NULL,
  stat_date              TEXT NOT NULL,   -- YYYY-MM-DD (UTC) of the poll
  first_activity         TEXT,            -- time of day HH:MM:SS as the vendor reports it
  last_activity          TEXT,
  login_seconds          INTEGER NOT NULL,
  after_call_seconds     INTEGER NOT NULL,
  break_seconds          INTEGER NOT NULL,
  pause_seconds          INTEGER NOT NULL,
  available_seconds      INTEGER NOT NULL,
  avg_wait_seconds       INTEGER NOT NULL,
  talk_seconds           INTEGER NOT NULL,
  talk_available_seconds INTEGER NOT NULL,
  total_calls            INTEGER NOT NULL,
  denied                 INTEGER NOT NULL,
  lip                    INTEGER NOT NULL,
  vrf                    INTEGER NOT NULL,
  sales                  INTEGER NOT NULL,
  sla_productivity       REAL,            -- percent: "87%" is 87.0
  updated_at             TEXT NOT NULL,   -- the poll that last changed the row
  run_id                 INTEGER NOT NULL REFERENCES sync_runs (id),
  PRIMARY KEY (source, external_id, stat_date)
) WITHOUT ROWID;

-- What each reported agent is doing, since when.
CREATE TABLE agent_status (
  source        TEXT NOT NULL,
  external_id   TEXT NOT NULL,
  status        TEXT NOT NULL,  -- READY, IN CALL, DISPOSITION, PAUSE, ...
  pause_reason  TEXT,           -- "PAUSE - LUNCH BREAK" is status PAUSE, reason LUNCH BREAK
  campaign_id   TEXT,
  campaign_name TEXT,
  call_type     TEXT,
  attributes    TEXT NOT NULL DEFAULT '{}',
  since         TEXT NOT NULL,  -- the poll that first saw this state
  PRIMARY KEY (source, external_id)
) WITHOUT ROWID;

-- One row per state interval. Boundaries are poll times: a state seen first at
-- poll t starts at t, and ends at the poll that sees another state (or sees the
-- agent no longer reported). ended_at NULL = still going on.
CREATE TABLE agent_status_log (
  id            INTEGER PRIMARY KEY,
  source        TEXT NOT NULL,
  external_id   TEXT NOT NULL,
  status        TEXT NOT NULL,
  pause_reason  TEXT,
  campaign_id   TEXT,
  campaign_name TEXT,
  started_at    TEXT NOT NULL,
  ended_at      TEXT,
  run_id        INTEGER NOT NULL REFERENCES sync_runs (id)
);
CREATE UNIQUE INDEX agent_status_log_one_open ON agent_status_log (source, external_id) WHERE ended_at IS NULL;
CREATE INDEX agent_status_log_by_agent ON agent_status_log (source, external_id, started_at);

-- Seconds per agent per UTC day per state. Intervals that cross midnight are
-- split at midnight; an open interval counts up to now.
CREATE VIEW agent_state_durations AS
WITH RECURSIVE pieces (source, external_id, status, pause_reason, piece_start, interval_end) AS (
  SELECT source, external_id, status, pause_reason, started_at,
         coalesce(ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  FROM agent_status_log
  UNION ALL
  SELECT source, external_id, status, pause_reason,
         strftime('%Y-%m-%dT00:00:00.000Z', piece_start, '+1 day'), interval_end
  FROM pieces
  WHERE strftime('%Y-%m-%dT00:00:00.000Z', piece_start, '+1 day') < interval_end
)
SELECT source,
       external_id,
       date(piece_start) AS day,
       status,
       pause_reason,
       CAST(round(sum((julianday(min(interval_end, strftime('%Y-%m-%dT00:00:00.000Z', piece_start, '+1 day'))) -
                       julianday(piece_start)) * 86400.0)) AS INTEGER) AS seconds
FROM pieces
GROUP BY source, external_id, day, status, pause_reason;
