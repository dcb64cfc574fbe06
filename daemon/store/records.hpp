#pragma once
// The current state and history of users and of named entities (portfolios,
// profiles, campaigns), as a run reads and writes them: engine-neutral types and
// the interfaces each store engine implements (store/sqlite/records.hpp). Every
// writer works inside the run's one write transaction (Database::begin_write()).
// Errors are StoreError.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "model/dataset.hpp"
#include "model/diff.hpp"
#include "model/user.hpp"

namespace rosterd::store {

// A user currently listed (not removed), as per-user datasets need it.
struct ListedUser {
  std::string external_id;
  std::optional<std::string> username;
  std::optional<bool> active;
};

struct StoredUser {
  model::User user;
  std::int64_t version = 0;
  bool removed = false;
};

// Where a change is recorded: the run, its timestamp, the source.
struct ChangeStamp {
  std::string source;
  std::int64_t run_id = 0;
  std::string at;  // ISO-8601 UTC
};

// The stored record of one key of a source, read while a run resolves its changes.
class UserLookup {
 public:
  virtual ~UserLookup() = default;
  virtual std::optional<StoredUser> find(const std::string& external_id) = 0;
};

class EntityLookup {
 public:
  virtual ~EntityLookup() = default;
  virtual std::optional<model::NamedEntity> find(const std::string& key) = 0;
};

// `hash` is the content hash a listing compares the next listing with (the digest of
// the vendor's bytes, or a hash of the normalized record): the writer stores it as it is.
class UserWriter {
 public:
  virtual ~UserWriter() = default;
  virtual void add(const model::User& user, std::int64_t hash) = 0;
  // A new version: op 'updated' with a changes row per field of `fields`, or, when
  // `fields` is empty, op 'filled'; a non-empty `filled` adds one 'filled' changes row.
  // The stored content hash is kept when `hash` is nullopt.
  virtual void update(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
                      std::span<const model::FieldChange> filled, std::optional<std::int64_t> hash) = 0;
  virtual void remove(const model::User& last, std::int64_t prior_version) = 0;
  virtual void restore(const model::User& user, std::int64_t prior_version, std::int64_t hash) = 0;
  // Stores an unchanged record's state again without a version: its volatile fields
  // changed, or its content hash did (the vendor's bytes or the hash's definition).
  virtual void refresh(const model::User& user, std::int64_t hash) = 0;
  // A per-user dataset changed the user's part it owns: update() plus the part's hash.
  virtual void enrich(const model::User& user, std::int64_t prior_version, std::span<const model::FieldChange> fields,
                      std::span<const model::FieldChange> filled, std::int64_t part_hash) = 0;
  // Records the part's hash without a change (the part is already as stored).
  virtual void set_part_hash(const std::string& external_id, std::int64_t part_hash) = 0;
};

class EntityWriter {
 public:
  virtual ~EntityWriter() = default;
  virtual void add(const model::NamedEntity& entity) = 0;
  virtual void update(const model::NamedEntity& entity, std::span<const model::FieldChange> fields) = 0;
  virtual void remove(const model::NamedEntity& last) = 0;
  virtual void restore(const model::NamedEntity& entity) = 0;
  virtual void refresh(const model::NamedEntity& entity) = 0;
};

}  // namespace rosterd::store
