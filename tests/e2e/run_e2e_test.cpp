// `rosterd run` end to end: the real daemon against the simulator, observed through
// its database, its output and its signals. Waits poll the database (eventually());
// no fixed sleep is an assertion.

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <poll.h>

#include <fstream>

#include "harness.hpp"
#include "store/sqlite/connection.hpp"
#include "tests/store/sqlite/schema_support.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

class RunE2e : public E2eTest {
 public:
  RunE2e() = default;
  explicit RunE2e(Engine engine) { use_engine(engine); }

 protected:
  std::unique_ptr<RosterdProcess> start(const std::map<std::string, std::string>& env = {}) {
    return std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()}, env);
  }
  // Runs recorded so far; 0 while the daemon is still creating the database.
  std::int64_t runs(const std::string& source, const std::string& status = "ok") {
    if (!database_exists()) return 0;
    try {
      return count("SELECT count(*) FROM sync_runs WHERE source = '" + source + "' AND status = '" + status + "'");
    } catch (const std::exception&) {
      return 0;  // no schema yet
    }
  }
  static void stop(RosterdProcess& daemon) {
    daemon.signal(SIGTERM);
    const auto exit = daemon.wait(5s);
    ASSERT_TRUE(exit.has_value()) << "did not stop within 5 s\n" << daemon.err();
    EXPECT_EQ(*exit, 0) << daemon.err();
  }
};

// The daemon's runs, schedule and signals on both engines (on PostgreSQL, one instance
// of the shared schedule).
class RunEnginesE2e : public RunE2e, public ::testing::WithParamInterface<Engine> {
 protected:
  RunEnginesE2e() : RunE2e(GetParam()) {}
};

TEST_P(RunEnginesE2e, PicksUpAVendorChangeWithinABoundedTime) {
  auto& sw = add_tenant("sw", "class4", 12, 3);
  write_config({{sw}}, "  interval: 1s\n");
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return runs("sw") >= 1; }, 15s)) << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), 12);

  const auto target = sw.users()[4].id;
  sw.update_user(target, [](sim::SimUser& u) { u.username = "changed.by.vendor"; });
  ASSERT_TRUE(eventually(
      [&] {
        return count("SELECT count(*) FROM changes WHERE field = 'username' AND new_value = 'changed.by.vendor'") == 1;
      },
      15s))
      << daemon->err();
  EXPECT_GE(runs("sw"), 2);
  EXPECT_EQ(sw.stats().logins, 1u) << "the daemon keeps its login token across runs";
  stop(*daemon);
  EXPECT_EQ(count("SELECT count(*) FROM schedule WHERE source = 'sw'"), 1) << "the schedule was published";
}

TEST_P(RunEnginesE2e, SighupAddsAndRemovesSourcesAndRejectsABrokenConfig) {
  auto& first = add_tenant("first", "worksection", 5, 1);
  auto& second = add_tenant("second", "class4", 7, 2);
  write_config({{first}}, "  interval: 1s\n");
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return runs("first") >= 1; }, 15s)) << daemon->err();

  write_config({{first}, {second}}, "  interval: 1s\n");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return runs("second") >= 1; }, 15s)) << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM current_users WHERE source = 'second'"), 7);
  EXPECT_EQ(lines_with(daemon->err(), "reloaded").size(), 1u) << daemon->err();

  // A broken file is rejected; the daemon keeps syncing with the previous one.
  std::ofstream(config_path()) << "database: roster.db\nsources: [\n";
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return !lines_with(daemon->err(), "reload rejected").empty(); }, 10s)) << daemon->err();
  const auto second_runs = runs("second");
  ASSERT_TRUE(eventually([&] { return runs("second") >= second_runs + 2; }, 15s)) << daemon->err();

  // Removing a source stops its runs.
  write_config({{second}}, "  interval: 1s\n");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return lines_with(daemon->err(), "reloaded").size() == 2; }, 10s)) << daemon->err();
  // A run of `first` already in progress at the reload may still finish.
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM sync_runs WHERE source = 'first' AND status = 'running'") == 0; }, 10s));
  const auto first_runs = runs("first");
  const auto later = runs("second");
  ASSERT_TRUE(eventually([&] { return runs("second") >= later + 3; }, 15s)) << daemon->err();
  EXPECT_EQ(runs("first"), first_runs) << "a removed source is no longer synced";
  EXPECT_EQ(count("SELECT count(*) FROM schedule WHERE source = 'first'"), 0);
  stop(*daemon);
}

TEST_P(RunEnginesE2e, SigtermInTheMiddleOfARunExitsCleanlyAndChangesNothing) {
  auto& sw = add_tenant("sw", "class4", 30, 4);
  write_config({{sw, {{"page_size", "10"}}}}, "  interval: 1h\n  timeout: 60s\n");
  ASSERT_EQ(sync().exit_code, 0);
  sw.update_user(sw.users()[3].id, [](sim::SimUser& u) { u.username = "never.written"; });
  const auto before = dump_data_tables();

  sim::Fault stall;
  stall.kind = sim::FaultKind::stall;  // page 2 never answers while the simulator runs
  stall.page = 2;
  sw.set_fault(stall);
  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return runs("sw", "running") == 1 && sw.stats().faults_injected >= 1; }, 15s))
      << daemon->err();

  const auto signalled = std::chrono::steady_clock::now();
  daemon->signal(SIGTERM);
  const auto exit = daemon->wait(5s);
  ASSERT_TRUE(exit.has_value()) << "still running 5 s after SIGTERM\n" << daemon->err();
  EXPECT_EQ(*exit, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s);

  EXPECT_SAME_DATA(before, dump_data_tables()) << "the interrupted run wrote nothing";
  if (engine() == Engine::sqlite) {
    EXPECT_EQ(value("PRAGMA integrity_check"), "ok");
  }
  EXPECT_EQ(runs("sw", "running"), 0);
  const auto error = value("SELECT error FROM sync_runs ORDER BY id DESC LIMIT 1");
  EXPECT_EQ(value("SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1"), "interrupted");
  EXPECT_NE(error.find("interrupted"), std::string::npos) << error;
  // A planned stop is not a failure: monitoring stays green.
  const auto status = run_rosterd({"status", "--config", config_path()});
  EXPECT_EQ(status.exit_code, 0) << status.all();
  EXPECT_NE(status.out.find(" interrupted "), std::string::npos) << status.out;
}

TEST_P(RunEnginesE2e, ASourceStalledForItsWholeTimeoutDelaysNoOtherSource) {
  auto& slow = add_tenant("slow", "class4", 5, 5);
  auto& quick = add_tenant("quick", "worksection", 5, 6);
  write_config({{slow, {{"timeout", "4s"}, {"retries", "0"}}}, {quick}}, "  interval: 1s\n");
  sim::Fault stall;
  stall.kind = sim::FaultKind::stall;
  stall.endpoint = sim::Endpoint::any;
  slow.set_fault(stall);

  auto daemon = start();
  ASSERT_TRUE(eventually([&] { return runs("slow", "failed") >= 1; }, 20s)) << daemon->err();
  // While the first run of `slow` hung until its timeout, `quick` kept its interval.
  const auto during = count(
      "SELECT count(*) FROM sync_runs AS q, (SELECT started_at, finished_at FROM sync_runs WHERE source = 'slow' "
      "ORDER BY id LIMIT 1) AS s WHERE q.source = 'quick' AND q.status = 'ok' AND q.started_at > s.started_at AND "
      "q.finished_at < s.finished_at");
  EXPECT_GE(during, 2) << daemon->err();
  const auto error = value("SELECT error FROM sync_runs WHERE source = 'slow' ORDER BY id LIMIT 1");
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  stop(*daemon);
}

INSTANTIATE_TEST_SUITE_P(Engines, RunEnginesE2e, k_engines, engine_test_name);

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : m_path(path) {
    m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  }
  ~NotifySocket() { close(m_fd); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Collects messages until one contains `needle`, or the timeout passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{m_fd, POLLIN, 0};
      if (poll(&pfd, 1, 50) <= 0) continue;
      char buffer[4096];
      const auto n = recv(m_fd, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      m_messages.emplace_back(buffer, static_cast<std::size_t>(n));
      if (m_messages.back().find(needle) != std::string::npos) return true;
    }
    return false;
  }
  [[nodiscard]] std::string all() const {
    std::string out;
    for (const auto& m : m_messages) out += "[" + m + "]\n";
    return out;
  }
  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  std::string m_path;
  int m_fd = -1;
  std::vector<std::string> m_messages;
};

TEST_F(RunE2e, TellsSystemdReadyStatusWatchdogReloadingAndStopping) {
  auto& ws = add_tenant("ws", "worksection", 4, 1);
  write_config({{ws}}, "  interval: 1s\n");
  NotifySocket notify(m_dir.file("notify.sock"));
  auto daemon = start({{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "400000"}});

  EXPECT_TRUE(notify.wait_for("READY=1", 10s)) << notify.all() << daemon->err();
  EXPECT_TRUE(notify.wait_for("STATUS=", 10s)) << notify.all();
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", 5s)) << notify.all();
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", 5s)) << "pinged again within the period\n" << notify.all();
  daemon->signal(SIGHUP);
  EXPECT_TRUE(notify.wait_for("RELOADING=1", 5s)) << notify.all();
  EXPECT_TRUE(notify.wait_for("READY=1", 5s)) << notify.all();
  daemon->signal(SIGTERM);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 5s)) << notify.all();
  const auto exit = daemon->wait(5s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, 0);
}

// Upgrading a database that needs a migration asks systemd for more start-up time
// before migrating, and says so in STATUS=; READY=1 comes after.
TEST_F(RunE2e, AsksSystemdForTimeBeforeMigratingAnOlderDatabase) {
  create_database_at_schema(db_path(), 3);
  auto& ws = add_tenant("ws", "worksection", 4, 1);
  write_config({{ws}}, "  interval: 1s\n");
  NotifySocket notify(m_dir.file("notify.sock"));
  auto daemon = start({{"NOTIFY_SOCKET", notify.path()}});

  EXPECT_TRUE(notify.wait_for("EXTEND_TIMEOUT_USEC=1800000000", 10s)) << notify.all() << daemon->err();
  const auto latest = std::to_string(store::sqlite::latest_schema_version());
  EXPECT_NE(notify.all().find("STATUS=migrating the database schema from version 3 to " + latest), std::string::npos)
      << notify.all();
  EXPECT_TRUE(notify.wait_for("READY=1", 10s)) << notify.all() << daemon->err();
  EXPECT_EQ(value("PRAGMA user_version"), latest);
  stop(*daemon);
}

TEST_F(RunE2e, AsksForNoExtraTimeForANewDatabase) {
  auto& ws = add_tenant("ws", "worksection", 4, 1);
  write_config({{ws}}, "  interval: 1s\n");
  NotifySocket notify(m_dir.file("notify.sock"));
  auto daemon = start({{"NOTIFY_SOCKET", notify.path()}});
  EXPECT_TRUE(notify.wait_for("READY=1", 10s)) << notify.all() << daemon->err();
  EXPECT_EQ(notify.all().find("EXTEND_TIMEOUT_USEC"), std::string::npos) << notify.all();
  stop(*daemon);
}

}  // namespace
}  // namespace rosterd::testing
