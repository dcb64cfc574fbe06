// `rosterd backup PATH`: a consistent copy of the SQLite database into the new file
// PATH, while `rosterd run` or a `rosterd sync` keeps writing (store/backup.hpp). The
// database is only read. A command never destroys data it did not create, so PATH
// must not exist.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "cli/demo_files.hpp"
#include "store/backup.hpp"
#include "store/database.hpp"
#include "sync/change_lines.hpp"

namespace rosterd::cli {
namespace {

struct BackupOptions {
  std::string path;                     // PATH
  std::optional<std::string> database;  // --database
};

int backup_command(const GlobalOptions& global, const app::Root& root, const BackupOptions& options) {
  std::string location;
  try {
    location = database_location(global, root, options.database);
  } catch (const std::exception& e) {
    print_error(e.what());
    return k_exit_usage;
  }
  if (store::is_server_location(location)) {
    print_error(fmt::format("backup: {} is a PostgreSQL database; rosterd backup copies a SQLite file. Back it up "
                            "with PostgreSQL's own tool: pg_dump --format=custom --file=PATH (a consistent snapshot "
                            "while rosterd runs)",
                            store::display_location(location)));
    return k_exit_usage;
  }
  const auto target = std::filesystem::absolute(options.path).lexically_normal().string();
  if (const auto existing = existing_database_files(target); !existing.empty()) {
    const auto files = listed_files(existing);
    print_error(fmt::format("backup: {} already exist{}, and a backup never replaces a file. Give a new PATH, or "
                            "move {} away first",
                            files, existing.size() == 1 ? "s" : "", files));
    return k_exit_usage;
  }
  try {
    const auto copy = store::backup_database(location, target);
    std::printf("backed up %s into %s: %s (%lld bytes), schema version %d, integrity check ok\n", location.c_str(),
                target.c_str(), sync::human_size(copy.bytes).c_str(), static_cast<long long>(copy.bytes),
                copy.schema_version);
  } catch (const std::exception& e) {
    print_error(fmt::format("backup: {}", e.what()));
    return k_exit_failed;
  }
  return k_exit_ok;
}

}  // namespace

Command add_backup_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<BackupOptions>();
  auto* app = parent.add_subcommand(
      "backup", "Copy the SQLite database into a new file while rosterd keeps running, and check the copy");
  app->add_option("PATH", options->path, "The new backup file (must not exist; its directory must)")
      ->required()
      ->type_name("PATH");
  app->add_option("--database", options->database, "Back up this SQLite database instead of the configuration's")
      ->type_name("DATABASE");
  return {app, [&global, &root, options] { return backup_command(global, root, *options); }};
}

}  // namespace rosterd::cli
