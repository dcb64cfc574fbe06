#include "cli/cli.hpp"

#include <vector>

#include <CLI/CLI.hpp>

#include "app/root.hpp"
#include "cli/commands.hpp"
#include "cli/usage_errors.hpp"
#include "core/memory.hpp"

namespace rosterd::cli {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("--config", global.config_path,
                 "Configuration file (default: $ROSTERD_CONFIG, else /etc/rosterd/rosterd.yaml)")
      ->type_name("PATH");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn or error (overrides log_level)")
      ->check(one_of({"trace", "debug", "info", "warn", "error"}));
}

}  // namespace

int main(int argc, char** argv) {
  core::configure_allocator();
  CLI::App app{"rosterd keeps a database (SQLite or PostgreSQL) in step with the user directories of your "
               "telephony, dialer and project tools, with full change history."};
  app.name("rosterd");
  app.set_version_flag("-V,--version", "rosterd " ROSTERD_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // --version after a subcommand
  app.failure_message(usage_failure_message);

  GlobalOptions global;
  add_global_options(app, global);
  const app::Root root;  // the built-in source types
  const std::vector<Command> commands{
      add_run_command(app, global, root),
      add_sync_command(app, global, root),
      add_check_command(app, global, root),
      add_demo_command(app, global, root),
      add_history_command(app, global, root),
      add_changes_command(app, global, root),
      add_users_command(app, global, root),
      add_status_command(app, global, root),
      add_migrate_command(app, global, root),
      add_prune_command(app, global, root),
      add_backup_command(app, global, root),
      add_help_command(app),
      add_generate_command(app, root),
      add_complete_command(app, global),
  };
  // Each subcommand's help lists the global options too.
  for (const auto& command : commands) {
    if (command.app->get_name() != "help") add_global_options(*command.app, global);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? k_exit_ok : k_exit_usage;
  }
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return k_exit_usage;
}

}  // namespace rosterd::cli
