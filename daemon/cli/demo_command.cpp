// `rosterd demo`: the bundled vendor simulator on loopback, four tenants (one per
// vendor type), three sync rounds with scripted changes in between. Each round is
// `rosterd sync` (sync_command), with a real configuration file and a real database.
//
// Output, all on stdout so that headings and log lines stay in order: a heading per
// round; for the first round (every record new) the counts per source instead of a
// line per record; the change and summary lines of the later rounds in full; a recap.
// The database must be new (see demo_files.hpp); the configuration, which holds the
// simulator's credentials, lives in a private temporary directory and is gone when the
// demo ends, so its path is never shown.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "cli/demo_files.hpp"
#include "cli/demo_report.hpp"
#include "core/log.hpp"
#include "sim/simulator.hpp"
#include "store/database.hpp"

namespace rosterd::cli {
namespace {

namespace fs = std::filesystem;

struct DemoTenants {
  sim::Tenant& dialer;
  sim::Tenant& projects;
  sim::Tenant& smartflo;
  sim::Tenant& sw;
};

DemoTenants add_tenants(sim::Simulator& simulator) {
  auto tenant = [&](const char* name, const std::string& vendor, int users, std::uint64_t seed) -> sim::Tenant& {
    sim::TenantOptions options;
    options.name = name;
    options.vendor = vendor;
    options.users = users;
    options.seed = seed;
    return simulator.add_tenant(options);
  };
  return {tenant("acme-dialer", "crocodial", 40, 11), tenant("acme-projects", "worksection", 25, 12),
          tenant("acme-smartflo", "smartflo", 120, 13), tenant("acme-switch", "class4", 80, 14)};
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

std::string demo_config(const DemoTenants& t, const std::string& database) {
  const auto& d = t.dialer.options();
  const auto& w = t.projects.options();
  const auto& s = t.smartflo.options();
  const auto& c = t.sw.options();
  return fmt::format(R"(# Written by `rosterd demo`: the bundled simulator's four tenants.
database: {}
log_level: info
defaults:
  timeout: 10s
  retries: 2
sources:
  - name: acme-dialer
    type: crocodial
    url: {}
    user: {}
    password: {}
  - name: acme-projects
    type: worksection
    url: {}
    api_key: {}
  - name: acme-smartflo
    type: smartflo
    url: {}
    email: {}
    password: {}
    page_size: 50
  - name: acme-switch
    type: class4
    url: {}
    user: {}
    password: {}
    page_size: 30
)",
                     quoted(database), t.dialer.config_url(), quoted(d.user), quoted(d.password),
                     t.projects.config_url(), quoted(w.api_key), t.smartflo.config_url(), quoted(s.user),
                     quoted(s.password), t.sw.config_url(), quoted(c.user), quoted(c.password));
}

struct Changed {
  std::int64_t renamed;  // acme-dialer
  std::int64_t removed;  // acme-smartflo, back in round 3
};

// Round 2: a rename, an e-mail change, a deactivation, a removal and an addition.
Changed change_some_users(DemoTenants& t) {
  std::vector<std::int64_t> active;
  for (const auto& user : t.dialer.users()) {
    if (user.active) active.push_back(user.id);
  }
  t.dialer.update_user(active.at(0), [](sim::SimUser& u) { u.last_name = "Renamed"; });
  t.dialer.update_user(active.at(1), [](sim::SimUser& u) { u.active = false; });
  const auto project_users = t.projects.users();
  t.projects.update_user(project_users.at(2).id, [](sim::SimUser& u) { u.email = "new.address@example.com"; });
  const auto removed = t.smartflo.users().at(3).id;
  t.smartflo.remove_user(removed);
  t.sw.add_user();
  return {active.at(0), removed};
}

void heading(const std::string& text) {
  std::printf("\n== %s\n", text.c_str());
}

// This rosterd binary, for the commands the recap suggests.
std::string this_program() {
  std::error_code error;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "rosterd" : shell_word(path.string());
}

std::string refusal(const std::vector<std::string>& existing) {
  const auto files = listed_files(existing);
  return fmt::format(
      "demo: {} already exist{}, and the demo only ever creates a new database: it never overwrites or deletes a "
      "file it did not create. Choose another path with --database PATH, or, if that is an earlier demo's database "
      "you no longer need, remove it yourself ({}) and run the demo again",
      files, existing.size() == 1 ? "s" : "", files);
}

void print_recap(const std::string& database, const std::vector<std::string>& rounds, const Changed& changed) {
  heading("Recap");
  for (std::size_t i = 0; i < rounds.size(); ++i) std::printf("  Round %zu: %s\n", i + 1, rounds[i].c_str());
  const auto shown = store::display_location(database);
  if (store::is_server_location(database)) {
    std::printf("\n  The database is %s; it stays when the demo ends.\n", shown.c_str());
  } else {
    std::printf(
        "\n  The database is %s; it stays when the demo ends. Remove it, with its -wal and -shm files,\n"
        "  when you no longer need it.\n",
        shown.c_str());
  }
  const auto db = shell_word(shown);
  const auto rosterd = this_program();
  std::printf("\n  Try:\n");
  std::printf("    %s changes --database %s --since 1h\n", rosterd.c_str(), db.c_str());
  std::printf("    %s history %lld --source acme-dialer --database %s\n", rosterd.c_str(),
              static_cast<long long>(changed.renamed), db.c_str());
  std::printf("    %s users --database %s --source acme-smartflo\n", rosterd.c_str(), db.c_str());
  std::printf("    %s status --database %s\n", rosterd.c_str(), db.c_str());
  for (const auto& query : store::example_queries(database, db)) std::printf("    %s\n", query.c_str());
}

struct DemoOptions {
  std::string database = "rosterd-demo.db";
  bool keep = false;  // the old --keep, now refused with an explanation
};

// The three rounds, from a database file created for them; returns the exit status.
int run_rounds(const GlobalOptions& global, const app::Root& root, const std::string& database, DemoTenants& tenants,
               const std::string& config_path, int port) {
  std::printf(
      "rosterd demo: the bundled vendor simulator on 127.0.0.1:%d serves four made-up tenants, one of each\n"
      "vendor type. rosterd syncs them into %s three times, as `rosterd sync` does,\n"
      "and the vendors change some users in between.\n",
      port, database.c_str());
  const std::map<std::string, std::string> labels{{"acme-dialer", "CrocoDial"},
                                                  {"acme-projects", "Worksection"},
                                                  {"acme-smartflo", "Smartflo"},
                                                  {"acme-switch", "Class4"}};
  GlobalOptions demo_global = global;
  demo_global.config_path = config_path;
  std::vector<std::string> totals;

  heading("Round 1: the first sync; every record is new, so here are the counts rather than a line each");
  // Warnings and errors only, unless --log-level says otherwise.
  demo_global.log_level = global.log_level.value_or("warn");
  int status = sync_command(demo_global, root, {});
  const auto first = latest_runs_in(database);
  std::printf("%s", added_per_source(first, labels).c_str());
  totals.push_back(change_totals(first) + " (the first sync)");
  demo_global.log_level = global.log_level;

  heading("Round 2: the vendors renamed, deactivated, removed and added users, and changed an e-mail address");
  const auto changed = change_some_users(tenants);
  status = std::max(status, sync_command(demo_global, root, {}));
  totals.push_back(change_totals(latest_runs_in(database)));

  heading("Round 3: the removed Smartflo user is back");
  tenants.smartflo.restore_user(changed.removed);
  status = std::max(status, sync_command(demo_global, root, {}));
  totals.push_back(change_totals(latest_runs_in(database)));

  print_recap(database, totals, changed);
  return status;
}

int run_demo(const GlobalOptions& global, const app::Root& root, const std::string& database,
             const std::function<void()>& abandon);

int demo_command(const GlobalOptions& global, const app::Root& root, const DemoOptions& options) {
  if (options.keep) {
    print_error(
        "demo: --keep is gone: the demo no longer reuses a database, it always creates a new one. Give it a new "
        "path with --database PATH (an earlier demo's database stays as it is)");
    return k_exit_usage;
  }
  if (store::is_server_location(options.database)) {
    // A server's database is never created by the demo: it must hold no rosterd data yet.
    try {
      if (store::database_exists(options.database)) {
        print_error(fmt::format(
            "demo: {} already holds a rosterd database, and the demo only ever writes a new one: it never changes "
            "data it did not create. Give it an empty database (createdb) with --database",
            store::display_location(options.database)));
        return k_exit_usage;
      }
    } catch (const std::exception& e) {
      print_error(fmt::format("demo: {}", e.what()));
      return k_exit_failed;
    }
    return run_demo(global, root, options.database, [] {});
  }
  const auto database = fs::absolute(options.database).lexically_normal().string();
  if (const auto existing = existing_database_files(database); !existing.empty()) {
    print_error(refusal(existing));
    return k_exit_usage;
  }
  const NewDatabaseFile created(database);
  if (created.outcome() == NewDatabaseFile::Outcome::exists) {
    print_error(refusal({database}));
    return k_exit_usage;
  }
  if (created.outcome() == NewDatabaseFile::Outcome::failed) {
    print_error(fmt::format("demo: cannot create {}: {}", database, created.error()));
    return k_exit_failed;
  }
  if (const auto beside = existing_database_files(database); beside.size() > 1) {  // appeared since the check
    created.remove_if_untouched();
    print_error(refusal(beside));
    return k_exit_usage;
  }
  return run_demo(global, root, database, [&] { created.remove_if_untouched(); });
}

// The simulator, its configuration and the three rounds, on a database that holds no
// rosterd data yet; `abandon` undoes what was made for it when the demo cannot start.
int run_demo(const GlobalOptions& global, const app::Root& root, const std::string& database,
             const std::function<void()>& abandon) {
  sim::Simulator simulator;
  auto tenants = add_tenants(simulator);
  std::optional<PrivateTempDirectory> config_dir;
  std::string config_path;
  try {
    simulator.start();
    config_dir.emplace("rosterd-demo-");
    config_path = config_dir->write_private_file("rosterd.yaml", demo_config(tenants, database));
  } catch (const std::exception& e) {
    abandon();
    print_error(fmt::format("demo: {}", e.what()));
    return k_exit_failed;
  }

  // The log lines are the demo's output, between its headings.
  core::set_log_stream(core::LogStream::standard_output);
  std::fflush(stdout);
  try {
    return run_rounds(global, root, database, tenants, config_path, simulator.port());
  } catch (const std::exception& e) {  // reading the runs back: store::StoreError
    print_error(fmt::format("demo: {}: {}", store::display_location(database), e.what()));
    return k_exit_failed;
  }
}

}  // namespace

Command add_demo_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<DemoOptions>();
  auto* app = parent.add_subcommand(
      "demo",
      "Sync the bundled vendor simulator into a new database (./rosterd-demo.db), change some users, sync again");
  app->add_option("--database", options->database,
                  "The new database file for the demo (default ./rosterd-demo.db); an existing file is refused")
      ->type_name("DATABASE");
  app->add_flag("--keep", options->keep)->group("");  // hidden: explains that it is gone
  return {app, [&global, &root, options] { return demo_command(global, root, *options); }};
}

}  // namespace rosterd::cli
