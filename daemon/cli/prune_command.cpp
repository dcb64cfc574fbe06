// `rosterd prune`: one pass of the configuration's `retention:` (README, "Retention"),
// for installations that run `rosterd sync` from a timer rather than `rosterd run`
// (which makes a pass every hour). Safe while a daemon or a sync runs: each batch is a
// short transaction of its own.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/root.hpp"
#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "core/duration.hpp"
#include "service/retention.hpp"
#include "service/signals.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

namespace rosterd::cli {
namespace {

int prune(const GlobalOptions& global, const app::Root& root) {
  service::SignalWatcher signals;  // SIGINT/SIGTERM stop between two batches
  config::Config config;
  try {
    config = load_configuration(global, root);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  }
  if (config.retention.empty()) {
    std::printf("no table has a retention setting: every row is kept (README, \"Retention\")\n");
    return k_exit_ok;
  }
  try {
    const auto db = root.open_store(config.database, app::StoreAccess::read_write);
    store::Writer writer(*db);
    const auto deleted = service::prune_once(writer, config.retention, core::system_clock().now(),
                                             signals.stop_token());
    for (const auto& [table, rows] : deleted) {
      std::printf("%s: deleted %lld row(s) older than %s\n", table.c_str(), static_cast<long long>(rows),
                  core::format_duration(config.retention.at(table)).c_str());
    }
    if (signals.stop_token().stop_requested()) {
      print_error("prune: stopped by a signal; the batches deleted so far stay deleted");
      return k_exit_failed;
    }
  } catch (const std::exception& e) {
    print_error(fmt::format("prune: {}; the batches deleted before stay deleted", e.what()));
    return k_exit_failed;
  }
  return k_exit_ok;
}

}  // namespace

Command add_prune_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto* app = parent.add_subcommand(
      "prune", "Delete the rows older than the configuration's retention settings, once (rosterd run does it hourly)");
  return {app, [&global, &root] { return prune(global, root); }};
}

}  // namespace rosterd::cli
