#pragma once
// The subcommands. Each returns the process exit status (SPEC 5).

#include <optional>
#include <string>
#include <vector>

namespace rosterd::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;  // a source failed or was refused
inline constexpr int k_exit_usage = 2;   // usage or configuration error

struct GlobalOptions {
  std::optional<std::string> config_path;  // --config
  std::optional<std::string> log_level;    // --log-level, overrides the file
};

struct SyncOptions {
  std::vector<std::string> sources;   // --source, repeatable; empty = all
  std::vector<std::string> datasets;  // --dataset, repeatable; empty = each source's configured ones
  bool dry_run = false;
  bool force = false;
};

struct CheckOptions {
  bool connect = false;
};

struct DemoOptions {
  std::string database = "rosterd-demo.db";
  bool keep = false;  // keep an existing demo database instead of starting afresh
};

int sync_command(const GlobalOptions& global, const SyncOptions& options);
int check_command(const GlobalOptions& global, const CheckOptions& options);
int demo_command(const GlobalOptions& global, const DemoOptions& options);

}  // namespace rosterd::cli
