#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>

#include "app/root.hpp"
#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "cli/preview_output.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/timestamp.hpp"
#include "http/retrying_client.hpp"
#include "metrics/registry.hpp"
#include "metrics/run_metrics.hpp"
#include "metrics/textfile.hpp"
#include "service/signals.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "sync/runner.hpp"

namespace rosterd::cli {
namespace {

struct Selection {
  app::ConfiguredSource* source;
  std::vector<model::Dataset> datasets;
};

bool contains_users(const std::vector<model::Dataset>& datasets) {
  return std::find(datasets.begin(), datasets.end(), model::Dataset::users) != datasets.end();
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The (source, datasets) pairs to run. Throws config::ConfigError for a name that
// matches nothing.
std::vector<Selection> select(const app::Root& root, std::vector<std::unique_ptr<app::ConfiguredSource>>& sources,
                              const SyncOptions& options) {
  for (const auto& name : options.sources) {
    const bool known = std::any_of(sources.begin(), sources.end(), [&](const auto& s) { return s->name() == name; });
    if (!known)
      throw config::ConfigError({}, "--source", fmt::format("no source named '{}' in the configuration", name));
  }
  for (const auto& name : options.datasets) {
    const bool dataset_known = std::any_of(root.types().begin(), root.types().end(),
                                           [&](const auto& type) { return contains(type.schema.datasets, name); });
    if (!dataset_known) {
      throw config::ConfigError({}, "--dataset", fmt::format("unknown dataset '{}'", name));
    }
  }
  std::vector<Selection> out;
  for (auto& source : sources) {
    if (!options.sources.empty() && !contains(options.sources, source->name())) continue;
    Selection selection{source.get(), {}};
    if (options.datasets.empty()) {
      selection.datasets = source->datasets();
    } else {
      // An explicitly named dataset runs wherever the source type supports it, even
      // if the source's configuration does not list it.
      const auto& supported = source->type().schema.datasets;
      for (const auto& name : options.datasets) {
        if (contains(supported, name)) selection.datasets.push_back(*model::parse_dataset(name));
      }
    }
    if (!selection.datasets.empty()) out.push_back(std::move(selection));
  }
  if (out.empty()) throw config::ConfigError({}, "--dataset", "no selected source has the requested datasets");
  return out;
}

// A dry run first shows how each source that previews its mapping (a rest source) reads
// its first users. A preview that fails is not reported here: the run reports it.
void print_previews(const std::vector<Selection>& selection, std::stop_token stop) {
  for (const auto& [source, datasets] : selection) {
    if (!source->source().previews() || !contains_users(datasets)) continue;
    auto handle = source->handle();
    http::RetryingClient http(handle.transport, handle.retry);
    sources::RunContext context{http, stop};
    if (auto users = source->source().preview(context, k_preview_users)) {
      std::fputs(preview_text(source->name(), *users).c_str(), stdout);
    }
  }
}

// node_exporter's textfile (`metrics: textfile:`): this invocation's runs, and what the
// database says of every configured source. False (reported) when it cannot be written.
bool write_metrics_textfile(const config::Config& config, store::Database& db, const metrics::Registry& counted) {
  try {
    metrics::Registry state;
    metrics::StateCollector().collect(state, db, config);
    metrics::write_textfile(config.metrics.textfile, metrics::Registry::render({&counted, &state}));
    return true;
  } catch (const std::exception& e) {
    print_error(e.what());  // a store error names the database; a textfile error its file
    return false;
  }
}

}  // namespace

int sync_command(const GlobalOptions& global, const app::Root& root, const SyncOptions& options) {
  service::SignalWatcher signals;  // before any thread: SIGINT/SIGTERM end the run cleanly
  config::Config config;
  std::vector<std::unique_ptr<app::ConfiguredSource>> sources;
  std::vector<Selection> selection;
  try {
    config = load_configuration(global, root);
    sources = root.build_sources(config);
    selection = select(root, sources, options);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  }

  try {
    const auto db =
        root.open_store(config.database, options.dry_run ? app::StoreAccess::dry_run : app::StoreAccess::read_write);
    store::Writer writer(*db);
    if (!options.dry_run) {
      // Before the first run's start, when the database takes writes.
      writer.defer([](store::Database& w) {
        const int abandoned = w.fail_abandoned_runs(core::format_timestamp(core::system_clock().now()));
        if (abandoned > 0) {
          core::log().warn("marked {} run(s) left 'running' by an ended rosterd process as failed", abandoned);
        }
      });
    }
    auto runner = root.runner(*db, writer);
    if (options.dry_run) print_previews(selection, signals.stop_token());
    bool all_ok = true;
    metrics::Registry counted;
    metrics::declare_sources(counted, config);
    for (const auto& [source, datasets] : selection) {
      for (const auto& dataset : datasets) {
        if (signals.stop_token().stop_requested()) return k_exit_failed;
        sync::RunOptions run_options;
        run_options.dry_run = options.dry_run;
        run_options.force = options.force;
        const auto outcome = runner.run(source->handle(), dataset, run_options, signals.stop_token());
        if (!options.dry_run) metrics::count_run(counted, source->name(), dataset, outcome);
        all_ok = all_ok && outcome.status == store::RunStatus::ok;
      }
    }
    if (!options.dry_run && !writer.flush()) {
      const auto holder = store::describe_write_lock_holder(config.database);
      print_error(
          fmt::format("{}: the failed runs above could not be recorded in sync_runs: the database still takes "
                      "no writes{}",
                      store::display_location(config.database), holder ? " (" + *holder + ")" : std::string()));
    }
    if (!options.dry_run && !config.metrics.textfile.empty()) {
      all_ok = write_metrics_textfile(config, *db, counted) && all_ok;
    }
    // A dry run may have read the file without locks (see Database::check_read).
    db->check_read();
    return all_ok ? k_exit_ok : k_exit_failed;
  } catch (const store::StoreError& e) {
    print_error(e.what());
    return k_exit_failed;
  }
}

Command add_sync_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<SyncOptions>();
  auto* app = parent.add_subcommand("sync", "Sync every (or the named) source once, then exit");
  app->add_option("--source", options->sources, "Only this source (repeatable)")->type_name("NAME");
  app->add_option("--dataset", options->datasets,
                  "Only this dataset: users, portfolios, profiles, campaigns (repeatable)")
      ->type_name("DATASET");
  app->add_flag("--dry-run", options->dry_run, "Print the changes a run would make; write nothing");
  app->add_flag("--force", options->force, "Apply a run the mass-removal guard would refuse");
  return {app, [&global, &root, options] { return sync_command(global, root, *options); }};
}

}  // namespace rosterd::cli
