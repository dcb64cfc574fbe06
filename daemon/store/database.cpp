#include "store/database.hpp"

#include <array>

#include "store/engine.hpp"
#include "store/postgresql/engine.hpp"
#include "store/postgresql/leases.hpp"
#include "store/sqlite/engine.hpp"

namespace rosterd::store {
namespace {

// SQLite last: it takes every location no other engine claims.
const Engine& engine_for(std::string_view location) {
  static const std::array<const Engine*, 2> engines{&postgresql::engine(), &sqlite::engine()};
  for (const auto* engine : engines) {
    if (engine->handles(location)) return *engine;
  }
  return sqlite::engine();
}

}  // namespace

std::unique_ptr<Database> open(const std::string& location, OpenMode mode, const BeforeMigrating& before_migrating) {
  return engine_for(location).open(location, mode, before_migrating);
}

// An engine's server without rosterd's schema yet: an empty, migrated SQLite database
// in memory stands in for it, as it does for a file not created yet.
std::unique_ptr<Database> open_for_dry_run(const std::string& location) {
  if (auto db = engine_for(location).open_for_dry_run(location)) return db;
  return sqlite::engine().open_for_dry_run(":memory:");
}

void set_claim_timeout(std::chrono::milliseconds timeout) { postgresql::set_lease_duration(timeout); }

bool database_exists(const std::string& location) { return engine_for(location).exists(location); }

std::unique_ptr<Lock> lock_daemon(const std::string& location) { return engine_for(location).lock_daemon(location); }

std::optional<std::string> describe_write_lock_holder(const std::string& location) {
  return engine_for(location).describe_write_lock_holder(location);
}

std::optional<std::string> foreign_write_lock_holder(const std::string& location) {
  return engine_for(location).foreign_write_lock_holder(location);
}

bool is_server_location(const std::string& location) { return &engine_for(location) != &sqlite::engine(); }

std::string display_location(const std::string& location) { return engine_for(location).display(location); }

std::vector<std::string> example_queries(const std::string& location, const std::string& shell_quoted_location) {
  return engine_for(location).example_queries(location, shell_quoted_location);
}

}  // namespace rosterd::store
