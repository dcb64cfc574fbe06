#pragma once
// A database at an older schema version, as an earlier rosterd left it: the
// migrations up to `version` applied, no data. For tests of upgrades.

#include <string>

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include "store/sqlite/migrations.hpp"

namespace rosterd::testing {

inline void create_database_at_schema(const std::string& path, int version) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  for (const auto& migration : store::sqlite::migrations()) {
    if (migration.number <= version) db.exec(migration.sql);
  }
  db.exec(fmt::format("PRAGMA user_version = {}", version));
}

}  // namespace rosterd::testing
