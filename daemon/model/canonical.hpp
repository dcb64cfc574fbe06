#pragma once
// Canonical serializations of normalized records. The snapshot JSON is what the
// `changes` table stores for whole-record changes (added, removed, restored), and
// its hash is the content hash that lets an unchanged record cause no write.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.hpp"
#include "model/user.hpp"

namespace rosterd::model {

std::string attributes_json(const Attributes& attributes);      // {"a":1,"b":"x"}
std::string portfolios_json(const std::vector<std::string>& portfolios);  // ["AMI","IST"]

// {"username":...,"full_name":...,...,"active":1,"attributes":{...},"portfolios":[...]}
// Fixed key order; the external id is the key, not part of the snapshot.
std::string snapshot_json(const User& user);
void write_snapshot(core::JsonWriter& out, const User& user);
// The same snapshot from the attributes and portfolios already rendered (by
// attributes_json and portfolios_json, nullopt for no portfolios).
std::string snapshot_json(const User& user, std::string_view attributes_json,
                          const std::optional<std::string>& portfolios_json);
std::string snapshot_json(const NamedEntity& entity);

// XXH3 of the snapshot, as SQLite stores it (a signed 64-bit integer).
std::int64_t content_hash(const User& user);
std::int64_t content_hash(const NamedEntity& entity);
// The content hash of a record whose snapshot is `snapshot_json`.
std::int64_t snapshot_hash(std::string_view snapshot_json);

}  // namespace rosterd::model
