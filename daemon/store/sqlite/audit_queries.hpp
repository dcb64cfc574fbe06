#pragma once
// Read-only queries behind the reporting commands (history, changes, users). They
// only read the history that records.cpp writes: user_versions (one row per
// version, valid_from <= T < valid_to), and changes (whole-record changes carry the
// record's snapshot JSON, `updated` rows one field each). docs/schema.md explains
// both and holds the same point-in-time query for SQL users.
//
// Every function throws SQLite::Exception on a database error and
// model::JsonCodecError on stored JSON that is not what rosterd writes.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/user.hpp"

namespace rosterd::store {

// Which stored values a user key may match.
enum class UserMatch { any, id, username, email };

// One candidate for a user key: enough to tell candidates apart.
struct UserRef {
  std::string source;
  std::string external_id;
  std::optional<std::string> username;
  std::optional<std::string> email;
  bool removed = false;
  // Matched only a value the user no longer has (a former username or email).
  bool former = false;
};

// The users whose external id, username or email (ASCII case-insensitive) is `key`,
// ordered by source and id. A user matched by several of them counts once. When no
// current value matches, former values in user_versions are searched.
std::vector<UserRef> find_users(SQLite::Database& db, std::string_view key, const std::optional<std::string>& source,
                                UserMatch match = UserMatch::any);

struct VersionRow {
  std::int64_t version = 0;
  std::string op;  // added, updated, removed, restored
  std::string valid_from;
  std::optional<std::string> valid_to;  // nullopt: the current version
  std::int64_t run_id = 0;
  model::User user;  // the state in this version; for `removed`, the last listed one
};

// Every version of one user, oldest first.
std::vector<VersionRow> user_versions(SQLite::Database& db, const std::string& source, const std::string& external_id);

struct ChangeRow {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::string changed_at;
  std::string source;
  std::string entity;  // user, portfolio, profile, campaign
  std::string entity_key;
  std::string change;                // added, updated, removed, restored
  std::optional<std::string> field;  // nullopt: a whole-record change (snapshot JSON as value)
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  // The username (users: as of that change, from the version the run wrote) or the
  // name (portfolios, profiles, campaigns: the current one).
  std::optional<std::string> label;
};

// The changes of one user, oldest first.
std::vector<ChangeRow> user_changes(SQLite::Database& db, const std::string& source, const std::string& external_id);

struct ChangeFilter {
  std::optional<std::string> since;  // changed_at >= since (a stored-format timestamp)
  std::optional<std::string> until;  // changed_at < until
  std::optional<std::string> source;
  std::optional<std::string> entity;
  std::int64_t limit = 0;  // at most this many rows; 0 = all
};

// The audit log, newest first (by time, then by id: the order of writing).
std::vector<ChangeRow> recent_changes(SQLite::Database& db, const ChangeFilter& filter);

struct PresentUser {
  std::string source;
  model::User user;
  std::int64_t version = 0;
  std::string valid_from;  // since when the user is in this state (for a removed user: removed since)
  bool removed = false;
};

struct PresenceFilter {
  std::optional<std::string> source;
  std::optional<std::string> as_of;  // a stored-format timestamp; nullopt = now (the open versions)
  bool include_removed = false;      // also users whose version at that moment is `removed`
};

// The users present at a moment, reconstructed from user_versions
// (valid_from <= T < valid_to, op <> 'removed'), by source and id.
std::vector<PresentUser> users_present(SQLite::Database& db, const PresenceFilter& filter);

// The first run this database recorded (of `source`, when given): where its history
// starts. nullopt when there is none.
struct RunStart {
  std::string source;
  std::string dataset;
  std::string started_at;
};
std::optional<RunStart> first_run(SQLite::Database& db, const std::optional<std::string>& source);

}  // namespace rosterd::store
