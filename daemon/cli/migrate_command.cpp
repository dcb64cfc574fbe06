// `rosterd migrate --to postgresql://...`: the configuration's SQLite database (or
// --from FILE) copied into an empty PostgreSQL database, history included
// (store/copy.hpp). The SQLite file is only read; a daemon may keep running on it.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "app/root.hpp"
#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "store/copy.hpp"
#include "store/database.hpp"

namespace rosterd::cli {
namespace {

struct MigrateOptions {
  std::string to;                   // --to
  std::optional<std::string> from;  // --from; else the configuration's database
};

int migrate(const GlobalOptions& global, const app::Root& root, const MigrateOptions& options) {
  std::string from;
  try {
    from = options.from ? *options.from : load_configuration(global, root).database;
  } catch (const std::exception& e) {
    print_error(e.what());
    return k_exit_usage;
  }
  if (!store::is_server_location(options.to) || store::is_server_location(from)) {
    print_error(fmt::format("migrate: copies a SQLite database file (--from, or the configuration's database) into "
                            "a PostgreSQL database (--to postgresql://...); got {} -> {}",
                            store::display_location(from), store::display_location(options.to)));
    return k_exit_usage;
  }
  const auto to = store::display_location(options.to);
  std::printf("copying %s into %s\n", from.c_str(), to.c_str());
  try {
    const auto counts = store::copy_database(from, options.to, [](const store::CopiedCount& table) {
      std::printf("  %-17s %12lld rows\n", table.table.c_str(), static_cast<long long>(table.rows));
      std::fflush(stdout);
    });
    std::printf("done: %s holds the same history. Set `database:` to it in the configuration (its password in a "
                "credential, README \"PostgreSQL\") and restart rosterd.\n",
                to.c_str());
  } catch (const std::exception& e) {
    print_error(fmt::format("migrate: {}; nothing was copied", e.what()));
    return k_exit_failed;
  }
  return k_exit_ok;
}

}  // namespace

Command add_migrate_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<MigrateOptions>();
  auto* app = parent.add_subcommand(
      "migrate", "Copy the SQLite database, history included, into an empty PostgreSQL database");
  app->add_option("--to", options->to, "The PostgreSQL database (postgresql://...), empty of rosterd data")->required();
  app->add_option("--from", options->from, "The SQLite database file (default: the configuration's database)")
      ->type_name("PATH");
  return {app, [options, &global, &root] { return migrate(global, root, *options); }};
}

}  // namespace rosterd::cli
