#include "store/sqlite/records.hpp"

#include <fmt/format.h>

#include "model/canonical.hpp"
#include "model/json_codec.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {
namespace {

struct EntityTable {
  const char* table;
  const char* key_column;
};

EntityTable table_for(model::Entity entity) {
  switch (entity) {
    case model::Entity::portfolio: return {"portfolios", "code"};
    case model::Entity::profile: return {"profiles", "profile_id"};
    case model::Entity::campaign: return {"campaigns", "campaign_id"};
    case model::Entity::user: break;
  }
  throw StoreError("users are not a named-entity table");
}

std::string placeholders(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

RecordIndex load_index(SQLite::Statement& select, std::string_view source) {
  select.bind(1, std::string(source));
  RecordIndex index;
  while (select.executeStep()) {
    RecordIndex::Entry entry;
    entry.content_hash = select.getColumn(1).getInt64();
    const auto version = select.getColumn(2).getInt64();
    if (version < 0 || version > INT32_MAX) {
      throw StoreError(fmt::format("{}: user {} has version {}, beyond what rosterd counts", source,
                                   select.getColumn(0).getString(), version));
    }
    entry.version = static_cast<std::int32_t>(version);
    entry.removed = select.getColumn(3).getInt() != 0;
    const auto key = select.getColumn(0);
    index.insert(std::string_view(static_cast<const char*>(key.getBlob()), static_cast<std::size_t>(key.getBytes())),
                 entry);
  }
  return index;
}

}  // namespace

RecordIndex load_user_index(SQLite::Database& db, std::string_view source) {
  SQLite::Statement select(
      db, "SELECT external_id, content_hash, version, removed_at IS NOT NULL FROM users WHERE source = ?");
  return load_index(select, source);
}

std::vector<ListedUser> load_listed_users(SQLite::Database& db, std::string_view source) {
  SQLite::Statement select(db,
                           "SELECT external_id, username, active FROM users WHERE source = ? AND removed_at IS NULL "
                           "ORDER BY external_id");
  select.bind(1, std::string(source));
  std::vector<ListedUser> out;
  while (select.executeStep()) {
    ListedUser user;
    user.external_id = select.getColumn(0).getString();
    user.username = optional_text(select.getColumn(1));
    if (!select.getColumn(2).isNull()) user.active = select.getColumn(2).getInt() != 0;
    out.push_back(std::move(user));
  }
  return out;
}

std::unordered_map<std::string, std::optional<std::int64_t>> load_info_hashes(SQLite::Database& db,
                                                                              std::string_view source) {
  SQLite::Statement select(db, "SELECT external_id, info_hash FROM users WHERE source = ? AND removed_at IS NULL");
  select.bind(1, std::string(source));
  std::unordered_map<std::string, std::optional<std::int64_t>> out;
  while (select.executeStep()) {
    const auto hash = select.getColumn(1);
    out.emplace(select.getColumn(0).getString(),
                hash.isNull() ? std::nullopt : std::optional<std::int64_t>(hash.getInt64()));
  }
  return out;
}

RecordIndex load_entity_index(SQLite::Database& db, model::Entity entity, std::string_view source) {
  const auto t = table_for(entity);
  SQLite::Statement select(db, fmt::format("SELECT {}, content_hash, 0, removed_at IS NOT NULL FROM {} WHERE source = ?",
                                           t.key_column, t.table));
  return load_index(select, source);
}

UserReader::UserReader(SQLite::Database& db, std::string source)
    : m_source(std::move(source)),
      m_select(db, fmt::format("SELECT {}, version, removed_at IS NOT NULL FROM users WHERE source = ? AND external_id = ?",
                               k_user_columns)) {}

std::optional<StoredUser> UserReader::find(const std::string& external_id) {
  m_select.reset();
  m_select.bind(1, m_source);
  m_select.bind(2, external_id);
  if (!m_select.executeStep()) return std::nullopt;
  StoredUser out;
  out.user = read_user_columns(m_select, 0, external_id);
  out.version = m_select.getColumn(k_user_column_count).getInt64();
  out.removed = m_select.getColumn(k_user_column_count + 1).getInt() != 0;
  return out;
}

EntityReader::EntityReader(SQLite::Database& db, model::Entity entity, std::string source)
    : m_source(std::move(source)),
      m_select(db, fmt::format("SELECT name, attributes FROM {} WHERE source = ? AND {} = ?", table_for(entity).table,
                               table_for(entity).key_column)) {}

std::optional<model::NamedEntity> EntityReader::find(const std::string& key) {
  m_select.reset();
  m_select.bind(1, m_source);
  m_select.bind(2, key);
  if (!m_select.executeStep()) return std::nullopt;
  model::NamedEntity out;
  out.key = key;
  out.name = optional_text(m_select.getColumn(0));
  out.attributes = model::parse_attributes_json(m_select.getColumn(1).getString());
  return out;
}

ChangeLogWriter::ChangeLogWriter(SQLite::Database& db, model::Entity entity, ChangeStamp stamp)
    : m_entity(model::to_string(entity)),
      m_stamp(std::move(stamp)),
      m_insert(db,
               "INSERT INTO changes (run_id, changed_at, source, entity, entity_key, change, field, old_value, new_value) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") {}

void ChangeLogWriter::bind_row(const char* change, const std::string& key) {
  m_insert.reset();
  m_insert.bind(1, m_stamp.run_id);
  bind_view(m_insert, 2, m_stamp.at);
  bind_view(m_insert, 3, m_stamp.source);
  bind_view(m_insert, 4, m_entity);
  bind_view(m_insert, 5, key);
  bind_view(m_insert, 6, change);
}

void ChangeLogWriter::record(const char* change, const std::string& key,
                             const std::optional<std::string>& old_value, const std::optional<std::string>& new_value) {
  bind_row(change, key);
  m_insert.bind(7);
  bind_optional_view(m_insert, 8, old_value);
  bind_optional_view(m_insert, 9, new_value);
  m_insert.exec();
}

void ChangeLogWriter::fields(const char* change, const std::string& key,
                             std::span<const model::FieldChange> fields) {
  for (const auto& f : fields) {
    bind_row(change, key);
    bind_view(m_insert, 7, f.field);
    bind_optional_view(m_insert, 8, f.old_value);
    bind_optional_view(m_insert, 9, f.new_value);
    m_insert.exec();
  }
}

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
      m_update_user(db, "UPDATE users SET username = ?, full_name = ?, email = ?, phone = ?, extension = ?, role = ?, "
                        "user_group = ?, active = ?, attributes = ?, portfolios = ?, version = ?, content_hash = ?, "
                        "updated_at = ?, removed_at = ? WHERE source = ? AND external_id = ?"),
      m_close_version(db, "UPDATE user_versions SET valid_to = ? WHERE source = ? AND external_id = ? AND valid_to IS NULL"),
      m_insert_version(db, fmt::format("INSERT INTO user_versions (source, external_id, version, valid_from, run_id, op, "
                                       "{}) VALUES (?, ?, ?, ?, ?, ?, {})",
                                       k_user_columns, placeholders(k_user_column_count))),
      m_delete_portfolios(db, "DELETE FROM user_portfolios WHERE source = ? AND external_id = ?"),
      m_insert_portfolio(db, "INSERT INTO user_portfolios (source, external_id, portfolio) VALUES (?, ?, ?)"),
      m_refresh(db, "UPDATE users SET username = ?, full_name = ?, email = ?, phone = ?, extension = ?, role = ?, "
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

void UserWriter::update(const model::User& user, std::int64_t prior_version,
                        std::span<const model::FieldChange> fields, std::span<const model::FieldChange> filled) {
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

void UserWriter::enrich(const model::User& user, std::int64_t prior_version,
                        std::span<const model::FieldChange> fields, std::span<const model::FieldChange> filled,
                        std::int64_t info_hash) {
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

EntityWriter::EntityWriter(SQLite::Database& db, model::Entity entity, ChangeStamp stamp)
    : m_stamp(stamp),
      m_changes(db, entity, stamp),
      m_insert(db, fmt::format("INSERT INTO {} (source, {}, name, attributes, content_hash, first_seen_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)",
                               table_for(entity).table, table_for(entity).key_column)),
      m_update(db, fmt::format("UPDATE {} SET name = ?, attributes = ?, content_hash = ?, updated_at = ?, removed_at = ? "
                               "WHERE source = ? AND {} = ?",
                               table_for(entity).table, table_for(entity).key_column)),
      m_refresh(db, fmt::format("UPDATE {} SET content_hash = ? WHERE source = ? AND {} = ?", table_for(entity).table,
                               table_for(entity).key_column)) {}

void EntityWriter::update_row(const model::NamedEntity& entity, bool removed) {
  m_update.reset();
  bind_optional(m_update, 1, entity.name);
  m_update.bind(2, model::attributes_json(entity.attributes));
  m_update.bind(3, model::content_hash(entity));
  m_update.bind(4, m_stamp.at);
  if (removed) {
    m_update.bind(5, m_stamp.at);
  } else {
    m_update.bind(5);
  }
  m_update.bind(6, m_stamp.source);
  m_update.bind(7, entity.key);
  m_update.exec();
}

void EntityWriter::add(const model::NamedEntity& entity) {
  m_insert.reset();
  m_insert.bind(1, m_stamp.source);
  m_insert.bind(2, entity.key);
  bind_optional(m_insert, 3, entity.name);
  m_insert.bind(4, model::attributes_json(entity.attributes));
  m_insert.bind(5, model::content_hash(entity));
  m_insert.bind(6, m_stamp.at);
  m_insert.bind(7, m_stamp.at);
  m_insert.exec();
  m_changes.record("added", entity.key, std::nullopt, model::snapshot_json(entity));
}

void EntityWriter::update(const model::NamedEntity& entity, std::span<const model::FieldChange> fields) {
  update_row(entity, false);
  m_changes.fields("updated", entity.key, fields);
}

void EntityWriter::remove(const model::NamedEntity& last) {
  update_row(last, true);
  m_changes.record("removed", last.key, model::snapshot_json(last), std::nullopt);
}

void EntityWriter::restore(const model::NamedEntity& entity) {
  update_row(entity, false);
  m_changes.record("restored", entity.key, std::nullopt, model::snapshot_json(entity));
}

void EntityWriter::refresh(const model::NamedEntity& entity) {
  m_refresh.reset();
  m_refresh.bind(1, model::content_hash(entity));
  m_refresh.bind(2, m_stamp.source);
  m_refresh.bind(3, entity.key);
  m_refresh.exec();
}

std::optional<std::string> latest_change_time(SQLite::Database& db) {
  SQLite::Statement select(db, "SELECT max(changed_at) FROM changes");  // one step down changes_by_time
  if (!select.executeStep() || select.getColumn(0).isNull()) return std::nullopt;
  return select.getColumn(0).getString();
}

}  // namespace rosterd::store::sqlite
