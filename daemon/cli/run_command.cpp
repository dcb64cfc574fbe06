// `rosterd run`: the daemon (README, "Command line"; README, "Running as a service").

#include <atomic>
#include <memory>

#include <CLI/CLI.hpp>

#include "app/root.hpp"
#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "service/daemon.hpp"
#include "service/notifier.hpp"
#include "service/signals.hpp"

namespace rosterd::cli {
namespace {

int run_command(const GlobalOptions& global, const app::Root& root) {
  std::atomic<service::Daemon*> daemon{nullptr};
  // Before any other thread starts: SIGINT/SIGTERM stop, SIGHUP reloads.
  service::SignalWatcher signals([&daemon] {
    if (auto* d = daemon.load()) d->request_reload();
  });
  service::DaemonOptions options;
  options.config_path = config::resolve_config_path(global.config_path);
  if (global.log_level) options.log_level = core::parse_log_level(*global.log_level);
  core::init_logging(options.log_level.value_or(core::LogLevel::info));

  service::SystemdNotifier notifier;
  std::unique_ptr<service::Daemon> instance;
  try {
    instance = std::make_unique<service::Daemon>(options, root, notifier);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  } catch (const store::StoreError& e) {
    print_error(e.what());
    return k_exit_failed;
  } catch (const std::exception& e) {  // the metrics endpoint cannot listen, say
    print_error(e.what());
    return k_exit_failed;
  }
  daemon.store(instance.get());
  const int status = instance->run(signals.stop_token());
  daemon.store(nullptr);
  return status;
}

}  // namespace

Command add_run_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto* app = parent.add_subcommand(
      "run", "Run the daemon: sync every source on its schedule until SIGTERM or SIGINT; SIGHUP reloads the configuration");
  return {app, [&global, &root] { return run_command(global, root); }};
}

}  // namespace rosterd::cli
