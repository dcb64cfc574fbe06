#include "cli/app_context.hpp"

#include <cstdio>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "sources/registry.hpp"

namespace rosterd::cli {

config::Config load_configuration(const GlobalOptions& global) {
  const auto path = config::resolve_config_path(global.config_path);
  const auto schemas = sources::source_schemas();
  auto config = config::load_config(path, schemas);
  auto level = config.log_level;
  if (global.log_level) level = core::parse_log_level(*global.log_level).value_or(level);
  core::init_logging(level);
  for (const auto& warning : config.warnings) core::log().warn("{}", warning);
  return config;
}

std::unique_ptr<store::Database> open_database_for_reading(const GlobalOptions& global, const std::optional<std::string>& database) {
  if (database) {
    core::init_logging(global.log_level ? core::parse_log_level(*global.log_level).value_or(core::LogLevel::info)
                                        : core::LogLevel::info);
    return store::open(*database, store::OpenMode::read_only);
  }
  const auto config = load_configuration(global);
  return store::open(config.database, store::OpenMode::read_only);
}

void print_error(std::string_view message) {
  const auto text = core::secrets().redact(message);
  std::fprintf(stderr, "rosterd: %s\n", text.c_str());
}

}  // namespace rosterd::cli
