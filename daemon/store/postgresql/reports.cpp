// The reporting queries: history, changes, users. Text sorts as SQLite sorts it
// (COLLATE "C": byte order), so that both engines answer in the same order.
#include <fmt/format.h>

#include "model/canonical.hpp"
#include "store/postgresql/database.hpp"

namespace rosterd::store::postgresql {
namespace {

// Ids are text; numeric ones (nearly all) sort as numbers this way.
constexpr const char* k_id_order = "length(external_id), external_id COLLATE \"C\"";

// The changes columns read_change() expects, with the label (a user's username in the
// version its run wrote, else the current name of the portfolio, profile or campaign)
// and, for a user, that version's columns: a whole-record change's state.
constexpr const char* k_change_select = R"(
SELECT c.id, c.run_id, rosterd_time(c.changed_at), c.source, c.entity, c.entity_key, c.change, c.field, c.old_value,
       c.new_value,
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

ChangeRow read_change(const Result& r, int row) {
  ChangeRow c;
  c.id = r.number(row, 0);
  c.run_id = r.number(row, 1);
  c.changed_at = r.text(row, 2);
  c.source = r.text(row, 3);
  c.entity = r.text(row, 4);
  c.entity_key = r.text(row, 5);
  c.change = r.text(row, 6);
  c.field = r.optional_text(row, 7);
  c.old_value = r.optional_text(row, 8);
  c.new_value = r.optional_text(row, 9);
  c.label = r.optional_text(row, 10);
  // A user's whole-record change names the version holding the record: its snapshot.
  const bool whole_user = c.entity == "user" && !c.field && c.change != "filled";
  if (whole_user && !r.is_null(row, k_change_version_columns + 8)) {
    const auto user = read_user(r, row, k_change_version_columns, c.entity_key);
    auto snapshot = model::snapshot_json(user, r.view(row, k_change_version_columns + 8),
                                         r.optional_text(row, k_change_version_columns + 9));
    (c.change == "removed" ? c.old_value : c.new_value) = std::move(snapshot);
  }
  return c;
}

std::vector<ChangeRow> read_changes(const Result& r) {
  std::vector<ChangeRow> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_change(r, i));
  return out;
}

// $1 is the key.
std::string match_condition(UserMatch match, const char* prefix) {
  const auto by_id = fmt::format("{}external_id = $1", prefix);
  const auto by_username = fmt::format("{}username = $1", prefix);
  // ASCII-only lower-casing, as e-mails are stored and as SQLite's lower() does.
  const auto by_email = fmt::format(
      "translate({}email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = "
      "translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
      prefix);
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

}  // namespace

std::vector<UserRef> Database::find_users(std::string_view key, const std::optional<std::string>& source,
                                          UserMatch match) {
  return guarded([&](Connection& c) {
    Params params;
    params.text(key);
    if (source) params.text(*source);
    const std::string source_condition = source ? " AND u.source = $2" : "";
    const auto current = c.exec(fmt::format("SELECT u.source, u.external_id, u.username, u.email, u.removed_at IS NOT "
                                            "NULL FROM users AS u WHERE {}{} ORDER BY u.source COLLATE \"C\", {}",
                                            match_condition(match, "u."), source_condition, k_id_order),
                                params);
    std::vector<UserRef> out;
    for (int i = 0; i < current.rows(); ++i) {
      out.push_back({current.text(i, 0), current.text(i, 1), current.optional_text(i, 2),
                     current.optional_text(i, 3), current.boolean(i, 4), false});
    }
    if (!out.empty() || match == UserMatch::id) return out;

    // A renamed user is still found by the name an auditor remembers.
    const auto former = c.exec(
        fmt::format("SELECT u.source, u.external_id, u.username, u.email, u.removed_at IS NOT NULL FROM users AS u "
                    "WHERE EXISTS (SELECT 1 FROM user_versions AS h WHERE h.source = u.source AND "
                    "h.external_id = u.external_id AND {}){} ORDER BY u.source COLLATE \"C\", "
                    "length(u.external_id), u.external_id COLLATE \"C\"",
                    match_condition(match, "h."), source_condition),
        params);
    for (int i = 0; i < former.rows(); ++i) {
      out.push_back({former.text(i, 0), former.text(i, 1), former.optional_text(i, 2), former.optional_text(i, 3),
                     former.boolean(i, 4), true});
    }
    return out;
  });
}

std::vector<VersionRow> Database::user_versions(const std::string& source, const std::string& external_id) {
  return guarded([&](Connection& c) {
    const auto r = c.exec(fmt::format("SELECT version, op, rosterd_time(valid_from), rosterd_time(valid_to), run_id, {} "
                                      "FROM user_versions WHERE source = $1 AND external_id = $2 ORDER BY version",
                                      k_user_columns),
                          Params().text(source).text(external_id));
    std::vector<VersionRow> out;
    for (int i = 0; i < r.rows(); ++i) {
      VersionRow row;
      row.version = r.number(i, 0);
      row.op = r.text(i, 1);
      row.valid_from = r.text(i, 2);
      row.valid_to = r.optional_text(i, 3);
      row.run_id = r.number(i, 4);
      row.user = read_user(r, i, 5, external_id);
      out.push_back(std::move(row));
    }
    return out;
  });
}

std::vector<ChangeRow> Database::user_changes(const std::string& source, const std::string& external_id) {
  return guarded([&](Connection& c) {
    return read_changes(c.exec(std::string(k_change_select) +
                                   "WHERE c.source = $1 AND c.entity = 'user' AND c.entity_key = $2 ORDER BY c.id",
                               Params().text(source).text(external_id)));
  });
}

std::vector<ChangeRow> Database::recent_changes(const ChangeFilter& filter) {
  return guarded([&](Connection& c) {
    Params params;
    std::string where = "WHERE true";
    int n = 0;
    const auto condition = [&](const char* sql, const std::string& value) {
      where += fmt::format(" AND {}${}", sql, ++n);
      params.text(value);
    };
    if (filter.since) condition("c.changed_at >= ", *filter.since);
    if (filter.until) condition("c.changed_at < ", *filter.until);
    if (filter.source) condition("c.source = ", *filter.source);
    if (filter.entity) condition("c.entity = ", *filter.entity);
    // changes_by_time serves the time range; the id orders one run's rows as written.
    std::string sql = std::string(k_change_select) + where + " ORDER BY c.changed_at DESC, c.id DESC";
    if (filter.limit > 0) sql += fmt::format(" LIMIT {}", filter.limit);
    return read_changes(c.exec(sql, params));
  });
}

std::vector<PresentUser> Database::users_present(const PresenceFilter& filter) {
  return guarded([&](Connection& c) {
    // The version in force at T is the one with valid_from <= T < valid_to; without a
    // moment it is the open one (valid_to IS NULL), which is what `users` holds.
    Params params;
    std::string where = "valid_to IS NULL";
    if (filter.as_of) {
      params.text(*filter.as_of);
      where = "valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)";
    }
    if (!filter.include_removed) where += " AND op <> 'removed'";
    if (filter.source) {
      params.text(*filter.source);
      where += fmt::format(" AND source = ${}", filter.as_of ? 2 : 1);
    }
    const auto r = c.exec(fmt::format("SELECT source, external_id, version, rosterd_time(valid_from), op = 'removed', "
                                      "{} FROM user_versions WHERE {} ORDER BY source COLLATE \"C\", {}",
                                      k_user_columns, where, k_id_order),
                          params);
    std::vector<PresentUser> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
      PresentUser row;
      row.source = r.text(i, 0);
      row.version = r.number(i, 2);
      row.valid_from = r.text(i, 3);
      row.removed = r.boolean(i, 4);
      row.user = read_user(r, i, 5, r.text(i, 1));
      out.push_back(std::move(row));
    }
    return out;
  });
}

std::optional<RunStart> Database::first_run(const std::optional<std::string>& source) {
  return guarded([&](Connection& c) -> std::optional<RunStart> {
    Params params;
    if (source) params.text(*source);
    const auto r = c.exec(fmt::format("SELECT source, dataset, rosterd_time(started_at) FROM sync_runs {} "
                                      "ORDER BY id LIMIT 1",
                                      source ? "WHERE source = $1" : ""),
                          params);
    if (r.rows() == 0) return std::nullopt;
    return RunStart{r.text(0, 0), r.text(0, 1), r.text(0, 2)};
  });
}

}  // namespace rosterd::store::postgresql
