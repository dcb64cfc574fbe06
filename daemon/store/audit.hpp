#pragma once
// What the reporting commands (history, changes, users) read: engine-neutral rows
// and filters. Each engine answers them from the history its writers keep:
// user_versions (one row per version, valid_from <= T < valid_to) and changes
// (whole-record changes carry the record's snapshot JSON, `updated` rows one field
// each); docs/schema.md explains both.

#include <cstdint>
#include <optional>
#include <string>

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

struct VersionRow {
  std::int64_t version = 0;
  std::string op;  // added, updated, removed, restored
  std::string valid_from;
  std::optional<std::string> valid_to;  // nullopt: the current version
  std::int64_t run_id = 0;
  model::User user;  // the state in this version; for `removed`, the last listed one
};

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

struct ChangeFilter {
  std::optional<std::string> since;  // changed_at >= since (a stored-format timestamp)
  std::optional<std::string> until;  // changed_at < until
  std::optional<std::string> source;
  std::optional<std::string> entity;
  std::int64_t limit = 0;  // at most this many rows; 0 = all
};

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

struct RunStart {
  std::string source;
  std::string dataset;
  std::string started_at;
};

}  // namespace rosterd::store
