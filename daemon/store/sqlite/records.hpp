#pragma once
// Reading and writing the current state and history of users and of named
// entities (portfolios, profiles, campaigns). All writers work inside the run's
// transaction, which the caller owns.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/dataset.hpp"
#include "model/diff.hpp"
#include "model/field_policy.hpp"
#include "model/user.hpp"
#include "model/user_parts.hpp"
#include "store/record_index.hpp"
#include "store/records.hpp"
#include "store/sqlite/sql_values.hpp"

namespace rosterd::store::sqlite {

// Every record a source has ever listed: key, content hash, version, removed.

RecordIndex load_user_index(SQLite::Database& db, std::string_view source);
std::vector<ListedUser> load_listed_users(SQLite::Database& db, std::string_view source);

// users.info_hash of every listed (not removed) user: the getUserInfo part's hash,
// nullopt when it was never written.
std::unordered_map<std::string, std::optional<std::int64_t>> load_info_hashes(SQLite::Database& db,
                                                                              std::string_view source);
RecordIndex load_entity_index(SQLite::Database& db, model::Entity entity, std::string_view source);

class UserReader {
 public:
  UserReader(SQLite::Database& db, std::string source);
  std::optional<StoredUser> find(const std::string& external_id);

 private:
  std::string m_source;
  SQLite::Statement m_select;
};

class EntityReader {
 public:
  EntityReader(SQLite::Database& db, model::Entity entity, std::string source);
  std::optional<model::NamedEntity> find(const std::string& key);

 private:
  std::string m_source;
  SQLite::Statement m_select;
};

class ChangeLogWriter {
 public:
  ChangeLogWriter(SQLite::Database& db, model::Entity entity, ChangeStamp stamp);
  // A whole-record change of a portfolio, profile or campaign: field NULL, the
  // record's snapshot JSON as value.
  void record(const char* change, const std::string& key, const std::optional<std::string>& old_value,
              const std::optional<std::string>& new_value);
  // A whole-record change of a user: field NULL, the state in user version `version`;
  // `new_value` only for a fill (the filled fields).
  void record(const char* change, const std::string& key, std::int64_t version,
              const std::optional<std::string>& new_value = std::nullopt);
  // One row per field; `version` for a user's (the version the run wrote).
  void fields(const char* change, const std::string& key, std::span<const model::FieldChange> fields,
              std::optional<std::int64_t> version = std::nullopt);

 private:
  // Binds the columns every row of one change shares; `change` and `key` must
  // outlive the step.
  void bind_row(const char* change, const std::string& key, std::optional<std::int64_t> version);

  std::string m_entity;
  ChangeStamp m_stamp;
  SQLite::Statement m_insert;
};

class UserWriter {
 public:
  // `columns`: the normalized columns getUserInfo owns for this source; the
  // stored content_hash covers the rest (model/user_parts.hpp). `policy`: the
  // volatile attributes, which `users` keeps current (user_state.live_attributes)
  // and history never stores.
  UserWriter(SQLite::Database& db, ChangeStamp stamp, model::InfoColumns columns = model::InfoColumns::none(),
             model::FieldPolicy policy = {});

  // `hash`: the content hash to store (store::UserWriter); nullopt: the hash of the
  // normalized record (model::listing_hash), or for update() the stored one kept.
  void add(const model::User& user, std::optional<std::int64_t> hash = std::nullopt);
  // A new version: op 'updated' with a changes row per field of `fields`, or, when
  // `fields` is empty, op 'filled'; a non-empty `filled` adds one 'filled' changes row.
  void update(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
              std::span<const model::FieldChange> filled = {}, std::optional<std::int64_t> hash = std::nullopt);
  void remove(const model::User& last, std::int64_t prior_version);
  void restore(const model::User& user, std::int64_t prior_version, std::optional<std::int64_t> hash = std::nullopt);
  // Stores an unchanged record's state again without a version: its volatile fields
  // changed, or its content hash did.
  void refresh(const model::User& user, std::optional<std::int64_t> hash = std::nullopt);
  // getUserInfo changed the user's info part: update() plus the part's hash.
  void enrich(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
              std::span<const model::FieldChange> filled, std::int64_t info_hash);
  // Records the info part's hash without a change (the part is already as stored).
  void set_info_hash(const std::string& external_id, std::int64_t info_hash);

 private:
  struct Rendered;
  void write_version(const UserColumns& columns, std::int64_t version, const char* op);
  void close_version(const std::string& external_id, std::int64_t version);
  void write_portfolios(const model::User& user, bool replace);
  void next_version(const Rendered& rendered, std::int64_t prior_version, std::optional<std::int64_t> hash,
                    const char* op);
  std::int64_t hash_of(const Rendered& rendered) const;

  ChangeStamp m_stamp;
  model::InfoColumns m_columns;
  model::FieldPolicy m_policy;
  ChangeLogWriter m_changes;
  SQLite::Statement m_insert_state;
  SQLite::Statement m_update_state;
  SQLite::Statement m_close_version;
  SQLite::Statement m_insert_version;
  SQLite::Statement m_delete_portfolios;
  SQLite::Statement m_insert_portfolio;
  SQLite::Statement m_open_attributes;
  SQLite::Statement m_refresh;
  SQLite::Statement m_set_info_hash;
};

class EntityWriter {
 public:
  EntityWriter(SQLite::Database& db, model::Entity entity, ChangeStamp stamp);

  void add(const model::NamedEntity& entity);
  void update(const model::NamedEntity& entity, std::span<const model::FieldChange> fields);
  void remove(const model::NamedEntity& last);
  void restore(const model::NamedEntity& entity);
  void refresh(const model::NamedEntity& entity);

 private:
  void update_row(const model::NamedEntity& entity, bool removed);

  ChangeStamp m_stamp;
  ChangeLogWriter m_changes;
  SQLite::Statement m_insert;
  SQLite::Statement m_update;
  SQLite::Statement m_refresh;
};

// The latest changed_at (= valid_from) recorded: a run's timestamp is never
// earlier, so history stays ordered even if the wall clock steps back.
std::optional<std::string> latest_change_time(SQLite::Database& db);

}  // namespace rosterd::store::sqlite
