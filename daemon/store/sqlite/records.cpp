#include "store/sqlite/records.hpp"

#include <fmt/format.h>

#include "model/json_codec.hpp"
#include "store/entity_tables.hpp"
#include "store/sqlite/sql_values.hpp"
#include "store/store_error.hpp"

namespace rosterd::store::sqlite {
namespace {

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
  // user_state alone: narrow rows, so the whole index loads fast.
  SQLite::Statement select(db, "SELECT external_id, content_hash, version, removed FROM user_state WHERE source = ?");
  return load_index(select, source);
}

std::vector<ListedUser> load_listed_users(SQLite::Database& db, std::string_view source) {
  SQLite::Statement select(db,
                           "SELECT s.external_id, v.username, v.active FROM user_state AS s JOIN user_versions AS v "
                           "ON v.source = s.source AND v.external_id = s.external_id AND v.version = s.version "
                           "WHERE s.source = ? AND s.removed = 0 ORDER BY s.external_id");
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
  SQLite::Statement select(db, "SELECT external_id, info_hash FROM user_state WHERE source = ? AND removed = 0");
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
  SQLite::Statement select(
      db, fmt::format("SELECT {}, content_hash, 0, removed_at IS NOT NULL FROM {} WHERE source = ?", t.key_column,
                      t.table));
  return load_index(select, source);
}

UserReader::UserReader(SQLite::Database& db, std::string source)
    : m_source(std::move(source)),
      m_select(db,
               fmt::format("SELECT {}, version, removed_at IS NOT NULL FROM users WHERE source = ? AND external_id = ?",
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

std::optional<std::string> latest_change_time(SQLite::Database& db) {
  SQLite::Statement select(db, "SELECT max(changed_at) FROM changes");  // one step down changes_by_time
  if (!select.executeStep() || select.getColumn(0).isNull()) return std::nullopt;
  return select.getColumn(0).getString();
}

}  // namespace rosterd::store::sqlite
