#include "store/database.hpp"

#include <array>

#include "store/engine.hpp"
#include "store/sqlite/engine.hpp"

namespace rosterd::store {
namespace {

// SQLite last: it takes every location no other engine claims.
const Engine& engine_for(std::string_view location) {
  static const std::array<const Engine*, 1> engines{&sqlite::engine()};
  for (const auto* engine : engines) {
    if (engine->handles(location)) return *engine;
  }
  return sqlite::engine();
}

}  // namespace

std::unique_ptr<Database> open(const std::string& location, OpenMode mode, const BeforeMigrating& before_migrating) {
  return engine_for(location).open(location, mode, before_migrating);
}

std::unique_ptr<Database> open_for_dry_run(const std::string& location) {
  return engine_for(location).open_for_dry_run(location);
}

bool database_exists(const std::string& location) { return engine_for(location).exists(location); }

std::unique_ptr<Lock> lock_daemon(const std::string& location) { return engine_for(location).lock_daemon(location); }

std::optional<std::string> describe_write_lock_holder(const std::string& location) {
  return engine_for(location).describe_write_lock_holder(location);
}

std::optional<std::string> foreign_write_lock_holder(const std::string& location) {
  return engine_for(location).foreign_write_lock_holder(location);
}

std::vector<std::string> example_queries(const std::string& location, const std::string& shell_quoted_location) {
  return engine_for(location).example_queries(shell_quoted_location);
}

}  // namespace rosterd::store
