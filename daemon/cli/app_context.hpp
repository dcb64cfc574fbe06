#pragma once
// What every subcommand starts with: the configuration, logging set up from it,
// and the way errors reach the user.

#include <string_view>

#include "cli/commands.hpp"
#include "config/config.hpp"

namespace rosterd::cli {

// Loads and validates the configuration, sets up logging (level from --log-level,
// else the file) and logs the configuration's warnings. Throws config::ConfigError.
config::Config load_configuration(const GlobalOptions& global);

// "rosterd: <message>" on stderr, secrets masked.
void print_error(std::string_view message);

}  // namespace rosterd::cli
