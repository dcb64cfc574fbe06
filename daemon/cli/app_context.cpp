#include "cli/app_context.hpp"

#include <cstdio>

#include "core/log.hpp"
#include "core/secrets.hpp"

namespace rosterd::cli {

config::Config load_configuration(const GlobalOptions& global, const app::Root& root) {
  auto config = root.load_config(config::resolve_config_path(global.config_path));
  auto level = config.log_level;
  if (global.log_level) level = core::parse_log_level(*global.log_level).value_or(level);
  core::init_logging(level);
  for (const auto& warning : config.warnings) core::log().warn("{}", warning);
  return config;
}

std::string database_location(const GlobalOptions& global, const app::Root& root,
                              const std::optional<std::string>& database) {
  if (!database) return load_configuration(global, root).database;
  core::init_logging(global.log_level ? core::parse_log_level(*global.log_level).value_or(core::LogLevel::info)
                                      : core::LogLevel::info);
  return *database;
}

std::unique_ptr<store::Database> open_database_for_reading(const GlobalOptions& global, const app::Root& root,
                                                           const std::optional<std::string>& database) {
  return root.open_store(database_location(global, root, database), app::StoreAccess::read_only);
}

void print_error(std::string_view message) {
  const auto text = core::secrets().redact(message);
  std::fprintf(stderr, "rosterd: %s\n", text.c_str());
}

}  // namespace rosterd::cli
