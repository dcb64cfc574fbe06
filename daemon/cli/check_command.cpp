// `rosterd check`: the configuration validated (config::load_config checks every key,
// value, range and credential against the source types' schemas; no source is built),
// and the sources listed; with --connect, each source built and asked to authenticate
// (a rest source also shows how its definition maps its first users).

#include <cstdio>

#include <CLI/CLI.hpp>
#include <memory>

#include <fmt/format.h>

#include "app/root.hpp"
#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "cli/preview_output.hpp"
#include "core/duration.hpp"
#include "core/secrets.hpp"
#include "http/retrying_client.hpp"
#include "service/signals.hpp"

namespace rosterd::cli {
namespace {

std::string joined_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// Authenticates against each source; the number that failed.
int connect_each(const std::vector<std::unique_ptr<app::ConfiguredSource>>& sources, std::stop_token stop) {
  int failures = 0;
  for (const auto& s : sources) {
    auto handle = s->handle();
    http::RetryingClient http(handle.transport, handle.retry);
    sources::RunContext context{http, stop};
    auto& source = s->source();
    // A source that previews its mapping connects by reading its first page.
    auto preview = source.previews() ? source.preview(context, k_preview_users)
                                     : core::Result<std::vector<model::User>>(std::vector<model::User>{});
    const auto status = source.previews() ? (preview ? core::Status{} : core::Status{preview.error()})
                                          : source.check_connection(context);
    if (status) {
      std::printf("  %-20s connect ok\n", s->name().c_str());
      if (source.previews()) std::fputs(preview_text(s->name(), *preview).c_str(), stdout);
    } else {
      ++failures;
      std::printf("  %-20s connect FAILED: %s\n", s->name().c_str(),
                  core::secrets().redact(status.error().message).c_str());
    }
  }
  return failures;
}

int check_command(const GlobalOptions& global, const app::Root& root, bool connect) {
  service::SignalWatcher signals;
  config::Config config;
  try {
    config = load_configuration(global, root);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  }

  std::printf("%s: ok (%zu sources, database %s)\n", config.path.c_str(), config.sources.size(),
              store::display_location(config.database).c_str());
  for (const auto& c : config.sources) {
    std::printf("  %-20s %-12s %-45s every %-6s %s\n", c.name.c_str(), c.type.c_str(), core::redact_url(c.url).c_str(),
                core::format_duration(c.interval).c_str(), joined_lines(c.datasets).c_str());
  }
  if (!connect) return k_exit_ok;

  std::vector<std::unique_ptr<app::ConfiguredSource>> sources;
  try {
    sources = root.build_sources(config);
  } catch (const config::ConfigError& e) {  // a factory's own check; the loader's come first
    print_error(e.what());
    return k_exit_usage;
  }
  return connect_each(sources, signals.stop_token()) == 0 ? k_exit_ok : k_exit_failed;
}

}  // namespace

Command add_check_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto connect = std::make_shared<bool>(false);
  auto* app = parent.add_subcommand("check", "Validate the configuration");
  app->add_flag("--connect", *connect, "Also authenticate against each source");
  return {app, [&global, &root, connect] { return check_command(global, root, *connect); }};
}

}  // namespace rosterd::cli
