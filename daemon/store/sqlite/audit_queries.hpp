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
#include "store/audit.hpp"

namespace rosterd::store::sqlite {

// The users whose external id, username or email (ASCII case-insensitive) is `key`,
// ordered by source and id. A user matched by several of them counts once. When no
// current value matches, former values in user_versions are searched.
std::vector<UserRef> find_users(SQLite::Database& db, std::string_view key, const std::optional<std::string>& source,
                                UserMatch match = UserMatch::any);

// Every version of one user, oldest first.
std::vector<VersionRow> user_versions(SQLite::Database& db, const std::string& source, const std::string& external_id);

// The changes of one user, oldest first.
std::vector<ChangeRow> user_changes(SQLite::Database& db, const std::string& source, const std::string& external_id);

// The audit log, newest first (by time, then by id: the order of writing).
std::vector<ChangeRow> recent_changes(SQLite::Database& db, const ChangeFilter& filter);

// The users present at a moment, reconstructed from user_versions
// (valid_from <= T < valid_to, op <> 'removed'), by source and id.
std::vector<PresentUser> users_present(SQLite::Database& db, const PresenceFilter& filter);

// The first run this database recorded (of `source`, when given): where its history
// starts. nullopt when there is none.
std::optional<RunStart> first_run(SQLite::Database& db, const std::optional<std::string>& source);

}  // namespace rosterd::store::sqlite
