#include "store/postgresql/session.hpp"

#include <fmt/format.h>

#include "core/secrets.hpp"
#include "store/postgresql/migrations.hpp"

namespace rosterd::store::postgresql {
namespace {

// pg_advisory_xact_lock's key for applying migrations: "rosterd" in ASCII.
constexpr std::int64_t k_migration_lock = 0x726f7374657264;

int latest_version() { return migrations().empty() ? 0 : migrations().back().number; }

void apply_migrations(Connection& connection, const BeforeMigrating& before) {
  connection.exec("BEGIN");
  try {
    connection.exec("SELECT pg_advisory_xact_lock($1)", Params().number(k_migration_lock));
    connection.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, file text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    const int from = schema_version(connection);
    if (from > latest_version()) {
      throw StoreError(fmt::format("{}: the database is at schema version {}, newer than this rosterd knows ({}): "
                                   "upgrade rosterd",
                                   connection.display(), from, latest_version()));
    }
    if (from > 0 && from < latest_version() && before) before(from, latest_version());
    for (const auto& migration : migrations()) {
      if (migration.number <= from) continue;
      connection.exec_script(migration.sql);
      connection.exec("INSERT INTO schema_migrations (version, file) VALUES ($1, $2)",
                      Params().number(migration.number).text(migration.file));
    }
    connection.exec("COMMIT");
  } catch (...) {
    if (connection.in_transaction()) {
      try {
        connection.exec("ROLLBACK");
      } catch (const PgError&) {
        // the connection is gone: the server rolled back
      }
    }
    throw;
  }
}

void check_schema(Connection& connection) {
  const int version = schema_version(connection);
  if (version == 0) {
    throw StoreError(fmt::format("{}: no rosterd database here yet (no schema_migrations table): run `rosterd sync` "
                                 "or `rosterd run` with this database first",
                                 connection.display()));
  }
  if (version != latest_version()) {
    throw StoreError(fmt::format("{}: the database is at schema version {}, this rosterd reads version {}: {}",
                                 connection.display(), version, latest_version(),
                                 version < latest_version() ? "run `rosterd sync` once to upgrade it"
                                                            : "upgrade rosterd"));
  }
}

}  // namespace

std::string describe_error(const PgError& error, const std::string& display) {
  const auto& state = error.sqlstate();
  std::string advice;
  if (state == "28P01" || state == "28000") {
    advice = "check the role and its password (the URI's credential, PGPASSFILE or ~/.pgpass) and pg_hba.conf";
  } else if (state == "3D000") {
    advice = "create the database first (createdb, or CREATE DATABASE as README \"PostgreSQL\" shows)";
  } else if (state == "42501") {
    advice = "grant the role rosterd connects as the privileges README \"PostgreSQL\" lists";
  } else if (state == "53100") {
    advice = "the server's disk is full: free space on it";
  } else if (error.connection_lost()) {
    advice = "check that the server runs and that the URI's host and port reach it; rosterd connects again by itself";
  }
  std::string out = fmt::format("{}: {}", display, error.what());
  if (!advice.empty()) out += "; " + advice;
  return out;
}

int schema_version(Connection& connection) {
  const auto exists = connection.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists.boolean(0, 0)) return 0;
  const auto version = connection.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  return static_cast<int>(version.number(0, 0));
}

Connection connect_unchecked(const std::string& location) {
  std::string display = core::redact_url(location);
  return translate_errors(display, [&] {
    display = display_location(location);
    return Connection(location, display);
  });
}

Connection connect(const std::string& location, OpenMode mode, const BeforeMigrating& before) {
  std::string display = core::redact_url(location);
  return translate_errors(display, [&] {
    auto connection = connect_unchecked(location);
    display = connection.display();
    if (mode == OpenMode::read_write) {
      apply_migrations(connection, before);
    } else {
      check_schema(connection);
    }
    return connection;
  });
}

}  // namespace rosterd::store::postgresql
