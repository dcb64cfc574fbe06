#include "store/postgresql/engine.hpp"

#include <fmt/format.h>

#include "core/secrets.hpp"
#include "store/postgresql/database.hpp"
#include "store/postgresql/leases.hpp"
#include "store/postgresql/migrations.hpp"

namespace rosterd::store::postgresql {
namespace {

bool handles(std::string_view location) { return is_postgresql_uri(location); }

std::unique_ptr<store::Database> open_database(const std::string& location, OpenMode mode,
                                              const BeforeMigrating& before) {
  return std::make_unique<Database>(connect(location, mode, before), location);
}

bool exists(const std::string& location) {
  auto probe = connect_unchecked(location);
  return translate_errors(probe.display(), [&] { return schema_version(probe) > 0; });
}

// The database read-only when it holds rosterd's schema; nullptr when it holds none
// yet (store::open_for_dry_run then plans against an empty database in memory).
std::unique_ptr<store::Database> open_for_dry_run(const std::string& location) {
  if (!exists(location)) return nullptr;
  return open_database(location, OpenMode::read_only, {});
}

std::unique_ptr<Lock> lock_daemon(const std::string& location) { return register_daemon(location); }

// PostgreSQL has no database-wide write lock for a program to hold.
std::optional<std::string> no_lock_holder(const std::string&) { return std::nullopt; }

// Never throws: a location that is not a valid URI is named without its query and user-info.
std::string display(const std::string& location) {
  try {
    return display_location(location);
  } catch (const PgError&) {
    return core::redact_url(location);
  }
}

std::vector<std::string> example_queries(const std::string& location, const std::string&) {
  // The location without its password: psql reads that from ~/.pgpass or PGPASSFILE.
  const auto uri = display_location(location);
  return {
      fmt::format("psql '{}' -c \"SELECT source, count(*) FROM current_users GROUP BY source\"", uri),
      fmt::format("psql '{}' -c \"SELECT changed_at, source, external_id, change, field, old_value, new_value "
                  "FROM user_changes ORDER BY id DESC LIMIT 20\"",
                  uri),
  };
}

}  // namespace

const Engine& engine() {
  static const Engine row{
      "postgresql",    &handles,        &open_database, &open_for_dry_run, &exists, &lock_daemon, &no_lock_holder,
      &no_lock_holder, &display,        &example_queries,
  };
  return row;
}

}  // namespace rosterd::store::postgresql
