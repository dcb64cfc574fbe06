#include "cli/cli.hpp"

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace rosterd::cli {
namespace {

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("--config", global.config_path,
                 "Configuration file (default: $ROSTERD_CONFIG, else /etc/rosterd/rosterd.yaml)");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn or error (overrides log_level)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rosterd keeps a SQLite database in step with the user directories of your telephony, dialer and "
               "project tools, with full change history."};
  app.name("rosterd");
  app.set_version_flag("--version", "rosterd " ROSTERD_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too

  GlobalOptions global;
  add_global_options(app, global);

  SyncOptions sync;
  auto* sync_cmd = app.add_subcommand("sync", "Sync every (or the named) source once, then exit");
  sync_cmd->add_option("--source", sync.sources, "Only this source (repeatable)");
  sync_cmd->add_option("--dataset", sync.datasets,
                       "Only this dataset: users, portfolios, profiles, campaigns (repeatable)");
  sync_cmd->add_flag("--dry-run", sync.dry_run, "Print the changes a run would make; write nothing");
  sync_cmd->add_flag("--force", sync.force, "Apply a run the mass-removal guard would refuse");

  CheckOptions check;
  auto* check_cmd = app.add_subcommand("check", "Validate the configuration");
  check_cmd->add_flag("--connect", check.connect, "Also authenticate against each source");

  DemoOptions demo;
  auto* demo_cmd = app.add_subcommand(
      "demo", "Sync the bundled vendor simulator into ./rosterd-demo.db, change some users, sync again");
  demo_cmd->add_option("--database", demo.database, "Database file for the demo");
  demo_cmd->add_flag("--keep", demo.keep, "Keep an existing demo database");

  for (auto* command : {sync_cmd, check_cmd, demo_cmd}) add_global_options(*command, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? k_exit_ok : k_exit_usage;
  }

  if (sync_cmd->parsed()) return sync_command(global, sync);
  if (check_cmd->parsed()) return check_command(global, check);
  if (demo_cmd->parsed()) return demo_command(global, demo);
  return k_exit_usage;
}

}  // namespace rosterd::cli
