#include <cstdio>

#include <CLI/CLI.hpp>
#include <memory>

#include <fmt/format.h>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "core/duration.hpp"
#include "core/secrets.hpp"
#include "http/retrying_client.hpp"
#include "service/signals.hpp"
#include "sync/configured_source.hpp"

namespace rosterd::cli {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// Every source, with the problems of every source's vendor settings reported together
// (sync::build_sources stops at the first).
std::vector<std::unique_ptr<sync::ConfiguredSource>> build_each_source(const config::Config& config) {
  std::vector<std::unique_ptr<sync::ConfiguredSource>> sources;
  std::vector<config::ConfigProblem> problems;
  for (const auto& source : config.sources) {
    try {
      sources.push_back(std::make_unique<sync::ConfiguredSource>(source));
    } catch (const config::ConfigError& e) {
      problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    }
  }
  if (!problems.empty()) throw config::ConfigError(std::move(problems));
  return sources;
}

int check_command(const GlobalOptions& global, bool connect) {
  service::SignalWatcher signals;
  config::Config config;
  std::vector<std::unique_ptr<sync::ConfiguredSource>> sources;
  try {
    config = load_configuration(global);
    sources = build_each_source(config);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  }

  std::printf("%s: ok (%zu sources, database %s)\n", config.path.c_str(), sources.size(), config.database.c_str());
  for (const auto& s : sources) {
    const auto& c = s->config();
    std::printf("  %-20s %-12s %-45s every %-6s %s\n", c.name.c_str(), c.type.c_str(), core::redact_url(c.url).c_str(),
                core::format_duration(c.interval).c_str(), joined(c.datasets).c_str());
  }
  if (!connect) return k_exit_ok;

  int failures = 0;
  for (const auto& s : sources) {
    auto handle = s->handle();
    http::RetryingClient http(handle.transport, handle.retry);
    sources::RunContext context{http, signals.stop_token()};
    const auto status = s->source().check_connection(context);
    if (status) {
      std::printf("  %-20s connect ok\n", s->name().c_str());
    } else {
      ++failures;
      std::printf("  %-20s connect FAILED: %s\n", s->name().c_str(),
                  core::secrets().redact(status.error().message).c_str());
    }
  }
  return failures == 0 ? k_exit_ok : k_exit_failed;
}

}  // namespace

Command add_check_command(CLI::App& parent, const GlobalOptions& global) {
  auto connect = std::make_shared<bool>(false);
  auto* app = parent.add_subcommand("check", "Validate the configuration");
  app->add_flag("--connect", *connect, "Also authenticate against each source");
  return {app, [&global, connect] { return check_command(global, *connect); }};
}

}  // namespace rosterd::cli
