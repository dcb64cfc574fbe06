// One database, one writer daemon; runs of one source never overlap, whichever
// processes start them. End to end with the real binary.

#include <signal.h>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

class LocksE2e : public E2eTest {
 protected:
  std::unique_ptr<RosterdProcess> start_daemon() {
    return std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  }
  std::int64_t runs(const std::string& status) {
    try {
      return count("SELECT count(*) FROM sync_runs WHERE status = '" + status + "'");
    } catch (const std::exception&) {
      return 0;  // the daemon is still creating the database
    }
  }
  // A Class4 tenant whose listing takes a few seconds (pages of 5, each answer 300 ms late).
  sim::Tenant& slow_tenant(const std::string& name, int users) {
    sim::TenantOptions options;
    options.name = name;
    options.vendor = "class4";
    options.users = users;
    options.seed = 11;
    options.latency = 300ms;
    return m_sim.add_tenant(options);
  }
  static void stop(RosterdProcess& daemon) {
    daemon.signal(SIGTERM);
    const auto exit = daemon.wait(5s);
    ASSERT_TRUE(exit.has_value()) << daemon.err();
    EXPECT_EQ(*exit, 0) << daemon.err();
  }
  // No two runs of one source overlapped.
  void expect_no_overlap() {
    EXPECT_EQ(count("SELECT count(*) FROM sync_runs a JOIN sync_runs b ON a.source = b.source AND a.id < b.id "
                    "WHERE b.started_at < a.finished_at"),
              0);
  }
};

TEST_F(LocksE2e, ASecondDaemonOnTheSameDatabaseRefusesNamingTheFirst) {
  auto& ws = add_tenant("ws", "worksection", 4, 1);
  write_config({{ws}}, "  interval: 1h\n");
  auto first = start_daemon();
  ASSERT_TRUE(eventually([&] { return runs("ok") == 1; }, 15s)) << first->err();

  const auto second = run_rosterd({"run", "--config", config_path()}, 30s);
  EXPECT_EQ(second.exit_code, 1) << second.all();
  EXPECT_NE(second.err.find("another `rosterd run` (pid " + std::to_string(first->pid()) +
                            ") already runs on this database"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(runs("ok"), 1) << "the second daemon synced nothing";
  EXPECT_EQ(count("SELECT count(*) FROM schedule WHERE pid <> " + std::to_string(first->pid())), 0)
      << "nor wrote the schedule";
  const auto status = run_rosterd({"status", "--config", config_path()});
  EXPECT_EQ(status.exit_code, 0) << status.all();
  EXPECT_EQ(status.out.find("rosterd run is not running"), std::string::npos) << status.out;
  stop(*first);
}

// `rosterd sync` of a source whose run the daemon has in progress waits for it, then
// runs: no constraint error, no overlap, both runs ok.
TEST_F(LocksE2e, SyncWaitsForTheDaemonsRunOfTheSameSource) {
  auto& sw = slow_tenant("sw", 40);
  write_config({{sw, {{"page_size", "5"}}}}, "  interval: 1h\n");
  auto daemon = start_daemon();
  ASSERT_TRUE(eventually([&] { return runs("running") == 1; }, 15s)) << daemon->err();
  sw.update_user(sw.users().front().id, [](sim::SimUser& u) { u.role = "Viewer"; });

  const auto r = sync();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(lines_with(r.err, "sw: waiting for its users run in progress in rosterd pid " +
                                  std::to_string(daemon->pid()))
                .size(),
            1u)
      << r.err;
  EXPECT_EQ(r.err.find("constraint"), std::string::npos) << r.err;
  EXPECT_EQ(runs("ok"), 2);
  expect_no_overlap();
  stop(*daemon);
}

// The daemon does not run a source that a `rosterd sync` is running: it tries again
// soon, without counting a failure.
TEST_F(LocksE2e, TheDaemonDefersASourceThatASyncIsRunning) {
  auto& sw = slow_tenant("sw", 40);
  write_config({{sw, {{"page_size", "5"}}}}, "  interval: 1h\n");
  RosterdProcess sync_process({"sync", "--config", config_path()});
  ASSERT_TRUE(eventually([&] { return runs("running") == 1; }, 15s)) << sync_process.err();
  auto daemon = start_daemon();
  ASSERT_TRUE(eventually([&] { return lines_with(daemon->err(), "sw: users: another rosterd process").size() == 1; },
                         15s))
      << daemon->err();
  const auto exit = sync_process.wait(60s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(*exit, 0) << sync_process.err();
  ASSERT_TRUE(eventually([&] { return runs("ok") == 2; }, 30s)) << daemon->err();
  expect_no_overlap();
  EXPECT_EQ(runs("failed"), 0);
  stop(*daemon);
}

// Two `rosterd sync` of one source at once take turns; history is exact and neither
// shows an error rosterd itself caused.
TEST_F(LocksE2e, TwoSyncsOfOneSourceTakeTurns) {
  auto& sw = slow_tenant("sw", 30);
  write_config({{sw, {{"page_size", "5"}}}});
  ASSERT_EQ(sync().exit_code, 0);
  sw.update_user(sw.users().front().id, [](sim::SimUser& u) { u.role = "Viewer"; });
  sw.add_user();
  RosterdProcess one({"sync", "--config", config_path()});
  RosterdProcess two({"sync", "--config", config_path()});
  const auto a = one.wait(60s);
  const auto b = two.wait(60s);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(*a, 0) << one.err();
  EXPECT_EQ(*b, 0) << two.err();
  EXPECT_EQ((one.err() + two.err()).find("constraint"), std::string::npos);
  EXPECT_EQ(runs("ok"), 3);
  expect_no_overlap();
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE change = 'added'"), 31) << "the new user added once";
  EXPECT_EQ(count("SELECT count(*) FROM changes WHERE field = 'role'"), 1) << "the change recorded once";
}

}  // namespace
}  // namespace rosterd::testing
