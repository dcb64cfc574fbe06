#pragma once
// Canonical serializations of normalized records. The snapshot JSON is what the
// `changes` table stores for whole-record changes (added, removed, restored), and
// its hash is the content hash that lets an unchanged record cause no write.

#include <cstdint>
#include <string>
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
std::string snapshot_json(const NamedEntity& entity);

// XXH3 of the snapshot, as SQLite stores it (a signed 64-bit integer).
std::int64_t content_hash(const User& user);
std::int64_t content_hash(const NamedEntity& entity);

}  // namespace rosterd::model
