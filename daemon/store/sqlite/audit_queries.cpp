#include "store/sqlite/audit_queries.hpp"

#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <utility>

#include "model/canonical.hpp"
#include "model/json_codec.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {
namespace {

// Ids are text; numeric ones (nearly all) sort as numbers this way.
constexpr const char* k_id_order = "length(external_id), external_id";

// The changes columns read_change() expects, with the label (a user's username in the
// version its run wrote, else the current name of the portfolio, profile or campaign)
// and, for a user, that version's columns: a whole-record change's state.
constexpr const char* k_change_select = R"(
SELECT c.id, c.run_id, c.changed_at, c.source, c.entity, c.entity_key, c.change, c.field, c.old_value, c.new_value,
       CASE c.entity
         WHEN 'user' THEN v.username
         WHEN 'portfolio' THEN (SELECT name FROM portfolios WHERE source = c.source AND code = c.entity_key)
         WHEN 'profile' THEN (SELECT name FROM profiles WHERE source = c.source AND profile_id = c.entity_key)
         WHEN 'campaign' THEN (SELECT name FROM campaigns WHERE source = c.source AND campaign_id = c.entity_key)
       END,
       v.username, v.full_name, v.email, v.phone, v.extension, v.role, v.user_group, v.active, v.attributes,
       v.portfolios
FROM changes AS c
LEFT JOIN user_versions AS v
  ON c.entity = 'user' AND v.source = c.source AND v.external_id = c.entity_key AND v.version = c.version
)";
constexpr int k_change_version_columns = 11;  // the first of the version's columns

ChangeRow read_change(SQLite::Statement& row) {
  ChangeRow c;
  c.id = row.getColumn(0).getInt64();
  c.run_id = row.getColumn(1).getInt64();
  c.changed_at = row.getColumn(2).getString();
  c.source = row.getColumn(3).getString();
  c.entity = row.getColumn(4).getString();
  c.entity_key = row.getColumn(5).getString();
  c.change = row.getColumn(6).getString();
  c.field = optional_text(row.getColumn(7));
  c.old_value = optional_text(row.getColumn(8));
  c.new_value = optional_text(row.getColumn(9));
  c.label = optional_text(row.getColumn(10));
  // A user's whole-record change names the version holding the record: its snapshot.
  const bool whole_user = c.entity == "user" && !c.field && c.change != "filled";
  if (whole_user && !row.getColumn(k_change_version_columns + 8).isNull()) {
    const auto user = read_user_columns(row, k_change_version_columns, c.entity_key);
    auto snapshot = model::snapshot_json(user, row.getColumn(k_change_version_columns + 8).getString(),
                                         optional_text(row.getColumn(k_change_version_columns + 9)));
    (c.change == "removed" ? c.old_value : c.new_value) = std::move(snapshot);
  }
  return c;
}

std::string match_condition(UserMatch match, const char* id_column) {
  const auto by_id = fmt::format("{} = :key", id_column);
  const std::string by_username = "username = :key";
  const std::string by_email = "lower(email) = lower(:key)";  // SQLite's lower() is ASCII-only, as e-mails are stored
  switch (match) {
    case UserMatch::id:
      return by_id;
    case UserMatch::username:
      return by_username;
    case UserMatch::email:
      return by_email;
    case UserMatch::any:
      break;
  }
  return fmt::format("({} OR {} OR {})", by_id, by_username, by_email);
}

void bind_key(SQLite::Statement& statement, std::string_view key, const std::optional<std::string>& source) {
  statement.bind(":key", std::string(key));
  if (source) statement.bind(":source", *source);
}

}  // namespace

std::vector<UserRef> find_users(SQLite::Database& db, std::string_view key, const std::optional<std::string>& source,
                                UserMatch match) {
  const std::string source_condition = source ? " AND source = :source" : "";
  SQLite::Statement current(db, fmt::format("SELECT source, external_id, username, email, removed_at IS NOT NULL "
                                            "FROM users WHERE {}{} ORDER BY source, {}",
                                            match_condition(match, "external_id"), source_condition, k_id_order));
  bind_key(current, key, source);
  std::vector<UserRef> out;
  while (current.executeStep()) {
    out.push_back({current.getColumn(0).getString(), current.getColumn(1).getString(),
                   optional_text(current.getColumn(2)), optional_text(current.getColumn(3)),
                   current.getColumn(4).getInt() != 0, false});
  }
  if (!out.empty() || match == UserMatch::id) return out;

  // A renamed user is still found by the name an auditor remembers.
  SQLite::Statement former(
      db, fmt::format("SELECT u.source, u.external_id, u.username, u.email, u.removed_at IS NOT NULL FROM users AS u "
                      "WHERE EXISTS (SELECT 1 FROM user_versions WHERE source = u.source AND "
                      "external_id = u.external_id AND {}){} ORDER BY u.source, length(u.external_id), u.external_id",
                      match_condition(match, "external_id"), source ? " AND u.source = :source" : ""));
  bind_key(former, key, source);
  while (former.executeStep()) {
    out.push_back({former.getColumn(0).getString(), former.getColumn(1).getString(), optional_text(former.getColumn(2)),
                   optional_text(former.getColumn(3)), former.getColumn(4).getInt() != 0, true});
  }
  return out;
}

std::vector<VersionRow> user_versions(SQLite::Database& db, const std::string& source, const std::string& external_id) {
  SQLite::Statement select(db, fmt::format("SELECT version, op, valid_from, valid_to, run_id, {} FROM user_versions "
                                           "WHERE source = ? AND external_id = ? ORDER BY version",
                                           k_user_columns));
  select.bind(1, source);
  select.bind(2, external_id);
  std::vector<VersionRow> out;
  while (select.executeStep()) {
    VersionRow row;
    row.version = select.getColumn(0).getInt64();
    row.op = select.getColumn(1).getString();
    row.valid_from = select.getColumn(2).getString();
    row.valid_to = optional_text(select.getColumn(3));
    row.run_id = select.getColumn(4).getInt64();
    row.user = read_user_columns(select, 5, external_id);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<ChangeRow> user_changes(SQLite::Database& db, const std::string& source, const std::string& external_id) {
  SQLite::Statement select(
      db, std::string(k_change_select) + "WHERE c.source = ? AND c.entity = 'user' AND c.entity_key = ? ORDER BY c.id");
  select.bind(1, source);
  select.bind(2, external_id);
  std::vector<ChangeRow> out;
  while (select.executeStep()) out.push_back(read_change(select));
  return out;
}

std::vector<ChangeRow> recent_changes(SQLite::Database& db, const ChangeFilter& filter) {
  std::string where = "WHERE 1";
  if (filter.since) where += " AND c.changed_at >= :since";
  if (filter.until) where += " AND c.changed_at < :until";
  if (filter.source) where += " AND c.source = :source";
  if (filter.entity) where += " AND c.entity = :entity";
  // changes_by_time serves the time range; the id orders one run's rows as written.
  std::string sql = std::string(k_change_select) + where + " ORDER BY c.changed_at DESC, c.id DESC";
  if (filter.limit > 0) sql += fmt::format(" LIMIT {}", filter.limit);
  SQLite::Statement select(db, sql);
  if (filter.since) select.bind(":since", *filter.since);
  if (filter.until) select.bind(":until", *filter.until);
  if (filter.source) select.bind(":source", *filter.source);
  if (filter.entity) select.bind(":entity", *filter.entity);
  std::vector<ChangeRow> out;
  while (select.executeStep()) out.push_back(read_change(select));
  return out;
}

std::vector<PresentUser> users_present(SQLite::Database& db, const PresenceFilter& filter) {
  // The version in force at T is the one with valid_from <= T < valid_to; without a
  // moment it is the open one (valid_to IS NULL), which is what `users` holds.
  std::string where = filter.as_of ? "valid_from <= :at AND (valid_to IS NULL OR valid_to > :at)" : "valid_to IS NULL";
  if (!filter.include_removed) where += " AND op <> 'removed'";
  if (filter.source) where += " AND source = :source";
  SQLite::Statement select(db, fmt::format("SELECT source, external_id, version, valid_from, op = 'removed', {} "
                                           "FROM user_versions WHERE {} ORDER BY source, {}",
                                           k_user_columns, where, k_id_order));
  if (filter.as_of) select.bind(":at", *filter.as_of);
  if (filter.source) select.bind(":source", *filter.source);
  std::vector<PresentUser> out;
  while (select.executeStep()) {
    PresentUser row;
    row.source = select.getColumn(0).getString();
    row.version = select.getColumn(2).getInt64();
    row.valid_from = select.getColumn(3).getString();
    row.removed = select.getColumn(4).getInt() != 0;
    row.user = read_user_columns(select, 5, select.getColumn(1).getString());
    out.push_back(std::move(row));
  }
  return out;
}

std::optional<RunStart> first_run(SQLite::Database& db, const std::optional<std::string>& source) {
  // Ids grow with every run recorded, so the first is the lowest (found by rowid).
  SQLite::Statement select(db, fmt::format("SELECT source, dataset, started_at FROM sync_runs {} ORDER BY id LIMIT 1",
                                           source ? "WHERE source = :source" : ""));
  if (source) select.bind(":source", *source);
  if (!select.executeStep()) return std::nullopt;
  return RunStart{select.getColumn(0).getString(), select.getColumn(1).getString(), select.getColumn(2).getString()};
}

}  // namespace rosterd::store::sqlite
