#pragma once
// The table of store engines, as sources/registry.hpp is the table of source types:
// what each engine does without an open connection. store/database.cpp picks the
// engine from a database's location; adding an engine is a folder beside sqlite/
// and a row in engines() (store/database.cpp).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"

namespace rosterd::store {

struct Engine {
  std::string_view name;
  // Whether `location` is this engine's ("postgresql://...", say). The last engine
  // of the table, SQLite, takes every location no other engine claims: a file path.
  bool (*handles)(std::string_view location);
  std::unique_ptr<Database> (*open)(const std::string& location, OpenMode mode, const BeforeMigrating& before);
  std::unique_ptr<Database> (*open_for_dry_run)(const std::string& location);
  bool (*exists)(const std::string& location);
  std::unique_ptr<Lock> (*lock_daemon)(const std::string& location);
  std::optional<std::string> (*describe_write_lock_holder)(const std::string& location);
  std::optional<std::string> (*foreign_write_lock_holder)(const std::string& location);
  std::string (*display)(const std::string& location);
  std::vector<std::string> (*example_queries)(const std::string& location, const std::string& shell_quoted_location);
};

}  // namespace rosterd::store
