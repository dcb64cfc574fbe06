// End-to-end: several `rosterd run` processes sharing one PostgreSQL database (README,
// "PostgreSQL"). Real processes, the simulator over HTTP on 127.0.0.1, the test server
// (and, for the restart, a server of the test's own):
//  - failover: three instances, 30 sources, short intervals; one is killed with SIGKILL in
//    the middle of a run; every source keeps running within the documented bound, no two
//    runs of one (source, dataset) overlap in sync_runs, and the history equals that of a
//    single `rosterd sync` run after each vendor change;
//  - a frozen instance (SIGSTOP) whose claim another takes over does not commit its run
//    when it wakes (SIGCONT): the claim is checked inside the run's transaction;
//  - the server stopping in the middle of a run: runs fail cleanly, nothing is half
//    written, and the daemon goes on by itself once the server is back.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "audit_support.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto k_interval = 4s;
constexpr auto k_claim_timeout = 2s;
// service::Scheduler::k_deferred_retry: how soon an instance tries a busy source again.
constexpr auto k_busy_retry = 5s;
// README, "PostgreSQL": a source whose instance died runs again at most claim_timeout +
// 5 s after it was due; the rest is slack for a loaded machine (sanitizers, ctest -j).
constexpr auto k_max_gap = k_interval * 11 / 10 + k_claim_timeout + k_busy_retry + 6s;

sim::SimulatorOptions many_threads() {
  sim::SimulatorOptions options;
  options.threads = 192;  // each open connection holds a thread: 3 instances x 30 sources
  return options;
}

// Rows as sorted text lines: the history of both engines compared without times or ids.
std::vector<std::string> sorted_lines(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line;
    for (const auto& value : row) line += value + '\x1f';
    out.push_back(std::move(line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

constexpr const char* k_history_changes =
    "SELECT source, entity, entity_key, change, field, old_value, new_value, version FROM changes";
constexpr const char* k_history_versions =
    "SELECT source, external_id, version, op, username, full_name, email, phone, extension, role, user_group, "
    "active, attributes, portfolios FROM user_versions";

class InstancesE2e : public E2eTest {
 protected:
  InstancesE2e() : E2eTest(many_threads()) { use_engine(Engine::postgresql); }

  // `count` class4 and smartflo tenants of a few users, listed in pages of 2.
  void add_sources(int count, const std::string& defaults) {
    std::vector<SourceBlock> blocks;
    for (int i = 0; i < count; ++i) {
      const auto vendor = i % 2 == 0 ? "class4" : "smartflo";
      m_tenants.push_back(&add_tenant("src" + std::to_string(i), vendor, 5, static_cast<std::uint64_t>(i + 1)));
    }
    for (auto* tenant : m_tenants) blocks.push_back({*tenant, {{"page_size", "2"}}, true});
    write_config(blocks, defaults);
    // The claim timeout is a top-level key.
    std::ifstream in(config_path());
    std::stringstream text;
    text << "claim_timeout: " << k_claim_timeout.count() << "s\n" << in.rdbuf();
    std::ofstream(config_path()) << text.str();
  }

  std::unique_ptr<RosterdProcess> start_instance() {
    return std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  }

  static void stop(RosterdProcess& instance) {
    instance.signal(SIGTERM);
    const auto exit = instance.wait(20s);
    ASSERT_TRUE(exit.has_value()) << "did not stop within 20 s\n" << instance.err();
  }

  // Whether every source has a successful users run that started after `since`.
  bool all_ran_since(const std::string& since) {
    try {
      return count("SELECT count(DISTINCT source) FROM sync_runs WHERE status = 'ok' AND started_at > '" + since +
                   "'") == static_cast<std::int64_t>(m_tenants.size());
    } catch (const std::exception&) {
      return false;  // the first instance is still creating the schema
    }
  }

  void set_stalls(std::chrono::milliseconds delay) {
    for (auto* tenant : m_tenants) {
      sim::Fault stall;
      stall.kind = sim::FaultKind::stall;
      stall.delay = delay;
      tenant->set_fault(stall);
    }
  }
  void clear_stalls() {
    for (auto* tenant : m_tenants) tenant->clear_faults();
  }

  // A 'running' row of one of `instances` that started after `since`, when every request
  // stalls: (run id, source, pid). A run that started before could be committing, or have
  // committed, by the time the test acts on it.
  std::optional<std::vector<std::string>> run_in_progress(const std::set<pid_t>& pids, const std::string& since) {
    for (const auto& row : rows("SELECT id, source, pid FROM sync_runs WHERE status = 'running' AND started_at > '" +
                                since + "' ORDER BY id")) {
      if (pids.count(static_cast<pid_t>(std::stoll(row[2]))) != 0) return row;
    }
    return std::nullopt;
  }

  // Every vendor change of `step` on every `every`-th tenant: a rename, a removal, an addition.
  void change_vendors(int step, int every) {
    for (std::size_t i = static_cast<std::size_t>(step) % static_cast<std::size_t>(every); i < m_tenants.size();
         i += static_cast<std::size_t>(every)) {
      auto& tenant = *m_tenants[i];
      const auto users = tenant.users();
      tenant.update_user(users[1].id, [&](sim::SimUser& u) { u.last_name = "Step" + std::to_string(step); });
      tenant.remove_user(users[3].id);
      tenant.add_user();
    }
  }

  // No run of a (source, dataset) began before the previous one ended.
  void expect_no_overlap() {
    const auto runs = rows(
        "SELECT source, dataset, id, started_at, finished_at, status FROM sync_runs ORDER BY source, dataset, "
        "started_at, id");
    ASSERT_FALSE(runs.empty());
    for (std::size_t i = 1; i < runs.size(); ++i) {
      const auto &a = runs[i - 1], &b = runs[i];
      EXPECT_NE(a[4], "<null>") << "run " << a[2] << " never ended (" << a[5] << ")";
      if (a[0] != b[0] || a[1] != b[1]) continue;
      EXPECT_LE(a[4], b[3]) << a[0] << ": run " << a[2] << " (" << a[3] << ".." << a[4] << ", " << a[5]
                            << ") overlaps run " << b[2] << " (from " << b[3] << ")";
    }
  }

  // Runs that did not succeed wrote nothing but their sync_runs row.
  void expect_failed_runs_wrote_nothing() {
    EXPECT_EQ(count("SELECT count(*) FROM changes AS c JOIN sync_runs AS r ON r.id = c.run_id "
                    "WHERE r.status NOT IN ('ok', 'partial')"),
              0);
    EXPECT_EQ(count("SELECT count(*) FROM user_versions AS v JOIN sync_runs AS r ON r.id = v.run_id "
                    "WHERE r.status NOT IN ('ok', 'partial')"),
              0);
  }

  std::vector<sim::Tenant*> m_tenants;
};

// The history a single process writes when it syncs after each vendor change: the
// reference the shared database is compared with.
class Reference {
 public:
  Reference(const std::string& config_path, const TempDir& dir)
      : m_db(dir.file("reference.db")), m_config(dir.file("reference.yaml")) {
    std::ofstream(m_config) << with_database_line(read_bytes(config_path), "\"" + m_db + "\"");
  }
  void sync() {
    const auto r = run_rosterd({"sync", "--config", m_config});
    ASSERT_EQ(r.exit_code, 0) << r.all();
  }
  std::vector<std::vector<std::string>> rows(const std::string& sql) const {
    SQLite::Database db(m_db, SQLite::OPEN_READONLY);
    SQLite::Statement query(db, sql);
    std::vector<std::vector<std::string>> out;
    while (query.executeStep()) {
      std::vector<std::string> row;
      for (int i = 0; i < query.getColumnCount(); ++i) {
        row.push_back(query.getColumn(i).isNull() ? "<null>" : query.getColumn(i).getString());
      }
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  std::string m_db;
  std::string m_config;
};

TEST_F(InstancesE2e, AKilledInstancesSourcesAreTakenOverAndTheHistoryIsASingleInstancesHistory) {
  add_sources(30, "  interval: 4s\n  max_remove_ratio: 1\n");
  Reference reference(config_path(), m_dir);
  std::vector<std::unique_ptr<RosterdProcess>> instances;
  for (int i = 0; i < 3; ++i) instances.push_back(start_instance());
  const auto err_of_all = [&] {
    std::string all;
    for (const auto& instance : instances) all += instance->err();
    return all;
  };

  // A round: after the vendors changed, every source runs again (on some instance).
  const auto round = [&](const std::string& since, const char* what) {
    ASSERT_TRUE(eventually([&] { return all_ran_since(since); }, k_max_gap + 10s)) << what << "\n" << err_of_all();
    reference.sync();
  };
  round(now_timestamp(), "the first runs");
  ASSERT_GE(count("SELECT count(DISTINCT pid) FROM sync_runs"), 2) << "the instances share the sources";

  change_vendors(1, 3);
  round(now_timestamp(), "round 1");
  // `status` sees the shared schedule: every source, due again, whichever instance ran it.
  const auto status = run_rosterd({"status", "--config", config_path(), "--json"});
  EXPECT_EQ(status.exit_code, 0) << status.all();
  for (auto* tenant : m_tenants) {
    EXPECT_NE(status.out.find("\"" + tenant->options().name + "\""), std::string::npos) << status.out;
  }
  EXPECT_EQ(count("SELECT count(*) FROM schedule WHERE next_due_at IS NOT NULL"), 30) << "a due time per source";

  // Runs slowed down, one instance killed in the middle of one.
  set_stalls(700ms);
  const auto stalled = now_timestamp();
  change_vendors(2, 3);
  const auto changed = now_timestamp();
  std::set<pid_t> pids;
  for (const auto& instance : instances) pids.insert(instance->pid());
  std::optional<std::vector<std::string>> victim_run;
  ASSERT_TRUE(eventually([&] { return (victim_run = run_in_progress(pids, stalled)).has_value(); }, 30s)) << err_of_all();
  const auto victim_pid = static_cast<pid_t>(std::stoll((*victim_run)[2]));
  auto victim = std::find_if(instances.begin(), instances.end(), [&](const auto& p) { return p->pid() == victim_pid; });
  ASSERT_NE(victim, instances.end());
  (*victim)->signal(SIGKILL);
  ASSERT_TRUE((*victim)->wait(10s).has_value());
  instances.erase(victim);
  clear_stalls();
  round(changed, "round 2, after the kill");
  EXPECT_EQ(value("SELECT status FROM sync_runs WHERE id = " + (*victim_run)[0]), "failed");
  EXPECT_EQ(value("SELECT error FROM sync_runs WHERE id = " + (*victim_run)[0]),
            "the rosterd instance running it stopped renewing its claims (it died, froze or lost the database) and "
            "another took the source over; nothing of the run was written");

  change_vendors(3, 3);
  round(now_timestamp(), "round 3");
  for (auto& instance : instances) stop(*instance);

  expect_no_overlap();
  expect_failed_runs_wrote_nothing();
  // Every source ran within the bound all along, across the kill too.
  const auto starts = rows("SELECT source, started_at FROM sync_runs WHERE dataset = 'users' ORDER BY source, started_at");
  for (std::size_t i = 1; i < starts.size(); ++i) {
    if (starts[i][0] != starts[i - 1][0]) continue;
    const auto gap = *core::parse_timestamp(starts[i][1]) - *core::parse_timestamp(starts[i - 1][1]);
    EXPECT_LE(gap, k_max_gap) << starts[i][0] << ": no run between " << starts[i - 1][1] << " and " << starts[i][1];
  }
  EXPECT_EQ(sorted_lines(rows(k_history_changes)), sorted_lines(reference.rows(k_history_changes)));
  EXPECT_EQ(sorted_lines(rows(k_history_versions)), sorted_lines(reference.rows(k_history_versions)));
}

TEST_F(InstancesE2e, AFrozenInstanceThatLostItsClaimDoesNotCommitWhenItWakes) {
  add_sources(4, "  interval: 3s\n  timeout: 60s\n  max_remove_ratio: 1\n");
  auto a = start_instance();
  auto b = start_instance();
  ASSERT_TRUE(eventually([&] { return all_ran_since("2000-01-01T00:00:00.000Z"); }, 30s)) << a->err() << b->err();

  // A rename the run that freezes would write; someone must write it exactly once.
  set_stalls(1500ms);
  const auto stalled = now_timestamp();
  change_vendors(1, 1);
  std::optional<std::vector<std::string>> frozen_run;
  ASSERT_TRUE(
      eventually([&] { return (frozen_run = run_in_progress({a->pid(), b->pid()}, stalled)).has_value(); }, 30s));
  const auto& source = (*frozen_run)[1];
  auto& frozen = std::stoll((*frozen_run)[2]) == a->pid() ? *a : *b;
  auto& other = &frozen == a.get() ? *b : *a;
  frozen.signal(SIGSTOP);
  const auto stopped = now_timestamp();

  // The other instance takes the source over once the claim runs out, and runs it.
  ASSERT_TRUE(eventually(
      [&] {
        return count("SELECT count(*) FROM sync_runs WHERE source = '" + source + "' AND status = 'ok' AND pid = " +
                     std::to_string(other.pid()) + " AND started_at > '" + stopped + "'") > 0;
      },
      40s))
      << "frozen " << frozen.pid() << " on " << source << ":\n" << frozen.err() << "\nother " << other.pid() << ":\n" << other.err();
  clear_stalls();
  frozen.signal(SIGCONT);
  ASSERT_TRUE(eventually([&] { return frozen.err().find("lost its claim on the source") != std::string::npos; }, 30s))
      << frozen.err();

  const auto run = (*frozen_run)[0];
  EXPECT_EQ(value("SELECT status FROM sync_runs WHERE id = " + run), "failed");
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE run_id = " + run), 0) << "the frozen run wrote nothing";
  for (auto* tenant : m_tenants) {
    auto renamed = tenant->users()[1].full_name();
    for (std::size_t at = 0; (at = renamed.find('\'', at)) != std::string::npos; at += 2) renamed.insert(at, "'");
    EXPECT_EQ(count("SELECT count(*) FROM changes WHERE source = '" + tenant->options().name +
                    "' AND field = 'full_name' AND new_value = '" + renamed + "'"),
              1)
        << tenant->options().name << ": the rename is recorded exactly once";
  }
  // The woken instance goes on with the others: every source runs again.
  const auto woke = now_timestamp();
  ASSERT_TRUE(eventually([&] { return all_ran_since(woke); }, 30s)) << frozen.err() << other.err();
  stop(*a);
  stop(*b);
  expect_no_overlap();
  expect_failed_runs_wrote_nothing();
  for (auto* tenant : m_tenants) {
    EXPECT_EQ(count("SELECT count(*) FROM current_users WHERE source = '" + tenant->options().name + "'"),
              static_cast<std::int64_t>(tenant->users().size()));
  }
}

// A server of this test's own, which it stops and starts again (scripts/pg-cluster.sh).
class OwnServer {
 public:
  OwnServer() : m_script(std::string(ROSTERD_SOURCE_DIR) + "/scripts/pg-cluster.sh") {
    m_dir = "/tmp/rosterd-pg-restart-" + std::to_string(getpid());
    run("start");
  }
  ~OwnServer() { (void)std::system(("'" + m_script + "' remove '" + m_dir + "' >/dev/null 2>&1").c_str()); }
  OwnServer(const OwnServer&) = delete;
  OwnServer& operator=(const OwnServer&) = delete;

  [[nodiscard]] std::string uri() const { return "postgresql:///rosterd?host=" + m_dir + "&user=rosterd"; }
  void run(const std::string& command) {
    ASSERT_EQ(std::system(("'" + m_script + "' " + command + " '" + m_dir + "' >/dev/null").c_str()), 0) << command;
  }

 private:
  std::string m_script;
  std::string m_dir;
};

class ServerRestartE2e : public E2eTest {};

TEST_F(ServerRestartE2e, RunsFailCleanlyWhileTheServerIsDownAndTheDaemonGoesOnWhenItIsBack) {
  OwnServer server;
  std::vector<sim::Tenant*> tenants;
  for (int i = 0; i < 3; ++i) tenants.push_back(&add_tenant("src" + std::to_string(i), "class4", 6, static_cast<std::uint64_t>(40 + i)));
  write_config({{*tenants[0], {{"page_size", "2"}}, true},
                {*tenants[1], {{"page_size", "2"}}, true},
                {*tenants[2], {{"page_size", "2"}}, true}},
               "  interval: 2s\n");
  // The test server's database is not this one: the configuration points at the server of its own.
  const auto config = with_database_line(read_bytes(config_path()), "\"" + server.uri() + "\"");
  std::ofstream(config_path()) << config;
  const auto query = [&](const std::string& sql) { return std::stoll(pg_rows(server.uri(), sql).at(0).at(0)); };
  auto daemon = std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  ASSERT_TRUE(eventually([&] {
    try {
      return query("SELECT count(DISTINCT source) FROM sync_runs WHERE status = 'ok'") == 3;
    } catch (const std::exception&) {
      return false;  // no schema yet
    }
  }, 30s)) << daemon->err();

  // The server stops while runs are in flight (each page stalls), and the vendors change.
  for (auto* tenant : tenants) {
    sim::Fault stall;
    stall.kind = sim::FaultKind::stall;
    stall.delay = 800ms;
    tenant->set_fault(stall);
    tenant->update_user(tenant->users()[2].id, [](sim::SimUser& u) { u.username = "while.down"; });
  }
  ASSERT_TRUE(eventually([&] { return query("SELECT count(*) FROM sync_runs WHERE status = 'running'") > 0; }, 20s));
  server.run("stop");
  ASSERT_TRUE(eventually([&] { return daemon->err().find("could not") != std::string::npos ||
                                      daemon->err().find("server") != std::string::npos; },
                         20s))
      << daemon->err();
  EXPECT_FALSE(daemon->wait(0ms).has_value()) << "the daemon keeps running without its database\n" << daemon->err();

  server.run("resume");
  for (auto* tenant : tenants) tenant->clear_faults();
  const auto back = now_timestamp();
  ASSERT_TRUE(eventually([&] {
    try {
      return query("SELECT count(DISTINCT source) FROM sync_runs WHERE status = 'ok' AND started_at > '" + back +
                   "'") == 3;
    } catch (const std::exception&) {
      return false;
    }
  }, 40s)) << daemon->err();
  daemon->signal(SIGTERM);
  ASSERT_TRUE(daemon->wait(20s).has_value());

  EXPECT_EQ(query("SELECT count(*) FROM sync_runs WHERE status = 'running'"), 0) << "every run ended and says how";
  EXPECT_GT(query("SELECT count(*) FROM sync_runs WHERE status = 'failed'"), 0) << "the runs the stop cut off failed";
  EXPECT_EQ(query("SELECT count(*) FROM changes AS c JOIN sync_runs AS r ON r.id = c.run_id "
                  "WHERE r.status NOT IN ('ok', 'partial')"),
            0)
      << "nothing half-written";
  EXPECT_EQ(query("SELECT count(*) FROM changes WHERE field = 'username' AND new_value = 'while.down'"), 3)
      << "each rename recorded once, after the restart";
  EXPECT_EQ(query("SELECT count(*) FROM current_users"), 18);
}

// The database's password, from the environment or a credential, is a secret like a
// vendor's: it never reaches a log line, an error, `status`, `check` or the database.
class DatabasePasswordE2e : public E2eTest {
 protected:
  DatabasePasswordE2e() { use_engine(Engine::postgresql); }
  void use_database(const std::string& database) {
    const auto config = with_database_line(read_bytes(config_path()), database);  // read before truncating
    std::ofstream(config_path()) << config;
  }
};

TEST_F(DatabasePasswordE2e, NeverShownAnywhere) {
  const std::string password = "pg-S3cret-Passw0rd";
  auto& sw = add_tenant("sw", "class4", 6, 3);
  write_config({{sw}});
  // postgresql:///NAME?host=DIR&user=rosterd -> postgresql://rosterd:${env:...}@/NAME?host=DIR
  const auto uri = db_location();
  const auto name_at = uri.find("///") + 3;
  const auto query = uri.find('?');
  const auto name = uri.substr(name_at, query - name_at);
  const auto host = uri.substr(query + 1, uri.find('&') - query - 1);
  use_database("\"postgresql://rosterd:${env:ROSTERD_TEST_DB_PASSWORD}@/" + name + "?" + host + "\"");
  const std::map<std::string, std::string> env{{"ROSTERD_TEST_DB_PASSWORD", password}};

  std::string output;
  const auto synced = run_rosterd({"sync", "--config", config_path(), "--log-level", "debug"}, 60s, env);
  ASSERT_EQ(synced.exit_code, 0) << synced.all();
  output += synced.all();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status", "--config", config_path()},
           {"status", "--config", config_path(), "--json"},
           {"check", "--config", config_path()},
           {"users", "--config", config_path()},
           {"sync", "--config", config_path(), "--dry-run"}}) {
    const auto r = run_rosterd(args, 60s, env);
    EXPECT_EQ(r.exit_code, 0) << r.all();
    output += r.all();
  }
  EXPECT_NE(output.find("postgresql:///" + name + "?" + host + "&user=rosterd"), std::string::npos)
      << "the database is named, without its password:\n" << output;

  // A database that does not exist: the error names it, still without the password.
  use_database("\"postgresql://rosterd:${env:ROSTERD_TEST_DB_PASSWORD}@/no_such_database?" + host + "\"");
  const auto failed = run_rosterd({"sync", "--config", config_path()}, 60s, env);
  EXPECT_EQ(failed.exit_code, 1) << failed.all();
  EXPECT_NE(failed.err.find("no_such_database"), std::string::npos) << failed.err;
  output += failed.all();
  EXPECT_EQ(output.find(password), std::string::npos) << output;
  EXPECT_EQ(database_bytes().find(password), std::string::npos);

  // Written in the file, it is refused as a habit: `check` warns.
  use_database("\"postgresql://rosterd:" + password + "@/" + name + "?" + host + "\"");
  const auto checked = run_rosterd({"check", "--config", config_path()});
  EXPECT_NE(checked.all().find("the URI holds a password written in the file"), std::string::npos) << checked.all();
  EXPECT_EQ(checked.all().find(password), std::string::npos) << checked.all();
}

}  // namespace
}  // namespace rosterd::testing
