#include <fmt/format.h>

#include "model/canonical.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/sql_values.hpp"
#include "store/store_error.hpp"

namespace rosterd::store::sqlite {
namespace {

std::string placeholders(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

// A user's columns rendered once for every statement of one write: as `users` stores
// them (everything), and as history stores them (without volatile attributes; the
// same rendering when the user has none).
struct UserWriter::Rendered {
  Rendered(const model::User& user, const model::FieldPolicy& policy) : current(user) {
    if (model::has_volatile_attributes(user, policy)) {
      m_stripped.emplace(model::without_volatile(user, policy));
      m_history.emplace(*m_stripped);
    }
  }
  Rendered(const Rendered&) = delete;
  Rendered& operator=(const Rendered&) = delete;

  [[nodiscard]] const UserColumns& history() const { return m_history ? *m_history : current; }
  [[nodiscard]] bool history_is_current() const { return !m_history; }

  UserColumns current;

 private:
  std::optional<model::User> m_stripped;  // before m_history, which refers to it
  std::optional<UserColumns> m_history;
};

UserWriter::UserWriter(SQLite::Database& db, ChangeStamp stamp, model::InfoColumns columns, model::FieldPolicy policy)
    : m_stamp(stamp),
      m_columns(columns),
      m_policy(std::move(policy)),
      m_changes(db, model::Entity::user, stamp),
      m_insert_user(db, fmt::format("INSERT INTO users (source, external_id, {}, version, content_hash, first_seen_at, "
                                    "updated_at) VALUES (?, ?, {}, ?, ?, ?, ?)",
                                    k_user_columns, placeholders(k_user_column_count))),
      m_update_user(db,
                    "UPDATE users SET username = ?, full_name = ?, email = ?, phone = ?, extension = ?, role = ?, "
                    "user_group = ?, active = ?, attributes = ?, portfolios = ?, version = ?, content_hash = ?, "
                    "updated_at = ?, removed_at = ? WHERE source = ? AND external_id = ?"),
      m_close_version(
          db, "UPDATE user_versions SET valid_to = ? WHERE source = ? AND external_id = ? AND valid_to IS NULL"),
      m_insert_version(db,
                       fmt::format("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op, "
                                   "{}) VALUES (?, ?, ?, ?, ?, ?, {})",
                                   k_user_columns, placeholders(k_user_column_count))),
      m_delete_portfolios(db, "DELETE FROM user_portfolios WHERE source = ? AND external_id = ?"),
      m_insert_portfolio(db, "INSERT INTO user_portfolios (source, external_id, portfolio) VALUES (?, ?, ?)"),
      m_refresh(db,
                "UPDATE users SET username = ?, full_name = ?, email = ?, phone = ?, extension = ?, role = ?, "
                "user_group = ?, active = ?, attributes = ?, portfolios = ?, content_hash = ? "
                "WHERE source = ? AND external_id = ?"),
      m_set_info_hash(db, "UPDATE users SET info_hash = ? WHERE source = ? AND external_id = ?") {}

void UserWriter::write_version(const UserColumns& columns, std::int64_t version, const char* op) {
  m_insert_version.reset();
  bind_view(m_insert_version, 1, m_stamp.source);
  bind_view(m_insert_version, 2, columns.user.external_id);
  m_insert_version.bind(3, version);
  bind_view(m_insert_version, 4, m_stamp.at);
  m_insert_version.bind(5, m_stamp.run_id);
  bind_view(m_insert_version, 6, op);
  bind_user_columns(m_insert_version, 7, columns);
  m_insert_version.exec();
}

void UserWriter::close_version(const std::string& external_id) {
  m_close_version.reset();
  bind_view(m_close_version, 1, m_stamp.at);
  bind_view(m_close_version, 2, m_stamp.source);
  bind_view(m_close_version, 3, external_id);
  if (m_close_version.exec() != 1) {
    throw StoreError(fmt::format("{}: user {} has no open version to close", m_stamp.source, external_id));
  }
}

void UserWriter::write_portfolios(const model::User& user, bool replace) {
  if (replace) {
    m_delete_portfolios.reset();
    bind_view(m_delete_portfolios, 1, m_stamp.source);
    bind_view(m_delete_portfolios, 2, user.external_id);
    m_delete_portfolios.exec();
  }
  if (!user.portfolios) return;
  for (const auto& code : *user.portfolios) {
    m_insert_portfolio.reset();
    bind_view(m_insert_portfolio, 1, m_stamp.source);
    bind_view(m_insert_portfolio, 2, user.external_id);
    bind_view(m_insert_portfolio, 3, code);
    m_insert_portfolio.exec();
  }
}

void UserWriter::update_row(const UserColumns& columns, std::int64_t version, std::int64_t hash, bool removed) {
  const auto& user = columns.user;
  m_update_user.reset();
  bind_user_columns(m_update_user, 1, columns);
  m_update_user.bind(11, version);
  m_update_user.bind(12, hash);
  bind_view(m_update_user, 13, m_stamp.at);
  if (removed) {
    bind_view(m_update_user, 14, m_stamp.at);
  } else {
    m_update_user.bind(14);
  }
  bind_view(m_update_user, 15, m_stamp.source);
  bind_view(m_update_user, 16, user.external_id);
  if (m_update_user.exec() != 1) {
    throw StoreError(fmt::format("{}: user {} vanished during the run", m_stamp.source, user.external_id));
  }
}

// The stored content hash covers the whole record, volatile fields included, so that
// an unchanged listing costs one hash comparison per record.
// `snapshot` is the history snapshot: the record's own when it has no volatile field.
std::int64_t UserWriter::hash_of(const Rendered& rendered, std::string_view snapshot) const {
  if (rendered.history_is_current()) return model::listing_hash(rendered.current.user, m_columns, snapshot);
  return model::listing_hash(rendered.current.user, m_columns);
}

// Each write renders the user's JSON columns and snapshot once and binds them,
// uncopied, to every statement that stores them.
void UserWriter::add(const model::User& user) {
  const Rendered rendered(user, m_policy);
  const std::optional<std::string> snapshot = rendered.history().snapshot();
  const auto hash = hash_of(rendered, *snapshot);
  m_insert_user.reset();
  bind_view(m_insert_user, 1, m_stamp.source);
  bind_view(m_insert_user, 2, user.external_id);
  bind_user_columns(m_insert_user, 3, rendered.current);
  m_insert_user.bind(3 + k_user_column_count, std::int64_t{1});
  m_insert_user.bind(4 + k_user_column_count, hash);
  bind_view(m_insert_user, 5 + k_user_column_count, m_stamp.at);
  bind_view(m_insert_user, 6 + k_user_column_count, m_stamp.at);
  m_insert_user.exec();
  write_version(rendered.history(), 1, "added");
  write_portfolios(user, false);
  m_changes.record("added", user.external_id, std::nullopt, snapshot);
}

void UserWriter::update(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
                        std::span<const model::FieldChange> filled) {
  const Rendered rendered(user, m_policy);
  update_row(rendered.current, prior_version + 1, model::listing_hash(user, m_columns), false);
  close_version(user.external_id);
  write_version(rendered.history(), prior_version + 1, fields.empty() ? "filled" : "updated");
  for (const auto* list : {&fields, &filled}) {
    for (const auto& f : *list) {
      if (f.field == "portfolios") write_portfolios(user, true);
    }
  }
  m_changes.fields("updated", user.external_id, fields);
  if (!filled.empty()) {
    m_changes.record("filled", user.external_id, std::nullopt,
                     model::filled_json(std::vector<model::FieldChange>(filled.begin(), filled.end())));
  }
}

void UserWriter::remove(const model::User& last, std::int64_t prior_version) {
  const Rendered rendered(last, m_policy);
  const std::optional<std::string> snapshot = rendered.history().snapshot();
  update_row(rendered.current, prior_version + 1, hash_of(rendered, *snapshot), true);
  close_version(last.external_id);
  write_version(rendered.history(), prior_version + 1, "removed");
  m_changes.record("removed", last.external_id, snapshot, std::nullopt);
}

void UserWriter::restore(const model::User& user, std::int64_t prior_version) {
  const Rendered rendered(user, m_policy);
  const std::optional<std::string> snapshot = rendered.history().snapshot();
  update_row(rendered.current, prior_version + 1, hash_of(rendered, *snapshot), false);
  close_version(user.external_id);
  write_version(rendered.history(), prior_version + 1, "restored");
  write_portfolios(user, true);
  m_changes.record("restored", user.external_id, std::nullopt, snapshot);
}

void UserWriter::refresh(const model::User& user) {
  const UserColumns columns(user);
  m_refresh.reset();
  bind_user_columns(m_refresh, 1, columns);
  m_refresh.bind(k_user_column_count + 1, model::listing_hash(user, m_columns));
  bind_view(m_refresh, k_user_column_count + 2, m_stamp.source);
  bind_view(m_refresh, k_user_column_count + 3, user.external_id);
  m_refresh.exec();
}

void UserWriter::enrich(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
                        std::span<const model::FieldChange> filled, std::int64_t info_hash) {
  update(user, prior_version, fields, filled);
  set_info_hash(user.external_id, info_hash);
}

void UserWriter::set_info_hash(const std::string& external_id, std::int64_t info_hash) {
  m_set_info_hash.reset();
  m_set_info_hash.bind(1, info_hash);
  m_set_info_hash.bind(2, m_stamp.source);
  m_set_info_hash.bind(3, external_id);
  m_set_info_hash.exec();
}

}  // namespace rosterd::store::sqlite
