// `rosterd demo`: the bundled vendor simulator on loopback, four tenants (one per
// vendor type), three sync rounds with scripted changes in between. It goes
// through the same `sync` code path as a real deployment, with a real config file
// and a real database in the current directory.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "core/log.hpp"
#include "sim/simulator.hpp"

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
  auto tenant = [&](const char* name, sim::Vendor vendor, int users, std::uint64_t seed) -> sim::Tenant& {
    sim::TenantOptions options;
    options.name = name;
    options.vendor = vendor;
    options.users = users;
    options.seed = seed;
    return simulator.add_tenant(options);
  };
  return {tenant("acme-dialer", sim::Vendor::crocodial, 40, 11), tenant("acme-projects", sim::Vendor::worksection, 25, 12),
          tenant("acme-smartflo", sim::Vendor::smartflo, 120, 13), tenant("acme-switch", sim::Vendor::class4, 80, 14)};
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

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

void banner(const std::string& text) {
  std::fflush(stderr);
  std::printf("\n== %s\n", text.c_str());
  std::fflush(stdout);
}

// Round 2: a rename, an e-mail change, a deactivation, a removal and an addition.
std::int64_t change_some_users(DemoTenants& t) {
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
  return removed;
}

}  // namespace

namespace {

struct DemoOptions {
  std::string database = "rosterd-demo.db";
  bool keep = false;  // keep an existing demo database instead of starting afresh
};

int demo_command(const GlobalOptions& global, const DemoOptions& options) {
  const auto database = fs::absolute(options.database).string();
  if (!options.keep) {
    for (const auto* suffix : {"", "-wal", "-shm"}) fs::remove(database + suffix);
  }

  sim::Simulator simulator;
  auto tenants = add_tenants(simulator);
  simulator.start();

  const auto dir = fs::temp_directory_path() / fmt::format("rosterd-demo-{}", ::getpid());
  fs::create_directories(dir);
  const auto config_path = (dir / "rosterd.yaml").string();
  {
    std::ofstream out(config_path);
    out << demo_config(tenants, database);
  }
  ::chmod(config_path.c_str(), 0600);

  GlobalOptions demo_global = global;
  demo_global.config_path = config_path;
  std::printf("rosterd demo: simulator on 127.0.0.1:%d, config %s, database %s\n", simulator.port(),
              config_path.c_str(), database.c_str());

  banner("Round 1: initial sync of four vendors");
  int status = sync_command(demo_global, {});

  banner("Round 2: the vendors changed some users (rename, e-mail, deactivation, removal, addition)");
  const auto removed = change_some_users(tenants);
  status = std::max(status, sync_command(demo_global, {}));

  banner("Round 3: the removed Smartflo user is back");
  tenants.smartflo.restore_user(removed);
  status = std::max(status, sync_command(demo_global, {}));

  std::error_code ignored;
  fs::remove_all(dir, ignored);
  simulator.stop();

  banner("Try it yourself");
  std::printf("  sqlite3 %s \"SELECT source, count(*) FROM current_users GROUP BY source\"\n", database.c_str());
  std::printf("  sqlite3 %s \"SELECT changed_at, source, entity_key, change, field, old_value, new_value FROM user_changes ORDER BY id DESC LIMIT 20\"\n",
              database.c_str());
  std::printf("  sqlite3 %s \"SELECT id, source, dataset, status, fetched, added, updated, removed, restored FROM sync_runs\"\n",
              database.c_str());
  return status;
}

}  // namespace

Command add_demo_command(CLI::App& parent, const GlobalOptions& global) {
  auto options = std::make_shared<DemoOptions>();
  auto* app = parent.add_subcommand(
      "demo", "Sync the bundled vendor simulator into ./rosterd-demo.db, change some users, sync again");
  app->add_option("--database", options->database, "Database file for the demo");
  app->add_flag("--keep", options->keep, "Keep an existing demo database");
  return {app, [&global, options] { return demo_command(global, *options); }};
}

}  // namespace rosterd::cli
