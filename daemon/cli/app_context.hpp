#pragma once
// What every subcommand starts with: the configuration (read through the composition
// root, app/root.hpp), logging set up from it, and the way errors reach the user.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/root.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "store/database.hpp"

namespace rosterd::cli {

// Loads and validates the configuration, sets up logging (level from --log-level,
// else the file) and logs the configuration's warnings. Throws config::ConfigError.
config::Config load_configuration(const GlobalOptions& global, const app::Root& root);

// Where the reading commands (and backup) find the database: `database` (their
// --database option) when given, logging then set up from --log-level alone, else the
// configuration's `database:` (load_configuration()). Throws config::ConfigError.
std::string database_location(const GlobalOptions& global, const app::Root& root,
                              const std::optional<std::string>& database);

// The database for read-only commands (status, history, changes, users): `database`
// (their --database option) when given, else the configuration's. Reporting
// users often may not read the configuration (it holds credentials), so
// --database lets them work without it. Never creates or migrates.
// Throws config::ConfigError (configuration) or store::StoreError (database).
std::unique_ptr<store::Database> open_database_for_reading(const GlobalOptions& global, const app::Root& root,
                                                           const std::optional<std::string>& database);

// "rosterd: <message>" on stderr, secrets masked.
void print_error(std::string_view message);

}  // namespace rosterd::cli
