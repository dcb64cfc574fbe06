#pragma once
// The subcommands. Each file `<name>_command.cpp` defines add_<name>_command(),
// which declares its options on a new CLI11 subcommand and returns the action
// to run when that subcommand was chosen. cli.cpp lists them all, and gives each
// the composition root (app/root.hpp) it builds what it needs with.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}
namespace rosterd::app {
class Root;
}

namespace rosterd::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;  // a source failed or was refused
inline constexpr int k_exit_usage = 2;   // usage or configuration error

struct GlobalOptions {
  std::optional<std::string> config_path;  // --config
  std::optional<std::string> log_level;    // --log-level, overrides the file
};

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // called after parsing, when `app` was chosen
};

Command add_run_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_sync_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_check_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_demo_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_history_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_changes_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_users_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_status_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_migrate_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_prune_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
Command add_backup_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root);
// `rosterd help [COMMAND]`: the help of `parent` or of one of its commands.
Command add_help_command(CLI::App& parent);
// Hidden: `rosterd generate rosterd.8|rosterd.yaml.5|bash-completion`, the man pages of
// `parent`'s commands and of the configuration and the bash completion (reference_pages.hpp),
// which the build installs; `rosterd complete sources`, the configuration's source names for
// that completion, or nothing.
Command add_generate_command(CLI::App& parent, const app::Root& root);
Command add_complete_command(CLI::App& parent, const GlobalOptions& global);

// For `demo`, which drives the same code path as `rosterd sync`.
struct SyncOptions {
  std::vector<std::string> sources;   // --source, repeatable; empty = all
  std::vector<std::string> datasets;  // --dataset, repeatable; empty = each source's configured ones
  bool dry_run = false;
  bool force = false;
};
int sync_command(const GlobalOptions& global, const app::Root& root, const SyncOptions& options);

}  // namespace rosterd::cli
