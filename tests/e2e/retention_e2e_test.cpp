// Retention end to end (README, "Retention"): `rosterd prune` and the passes of
// `rosterd run` delete what the settings say and nothing a report, the status or another
// table still needs. Rows are made old by moving their times back by hand.

#include <signal.h>

#include <fstream>
#include <regex>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

class RetentionE2e : public EngineE2eTest {
 protected:
  sim::Tenant& dialer = add_tenant("acme", "crocodial", 14, 7);

  void configure(const std::string& retention) {
    write_config({{dialer,
                   {{"datasets", "[users, user_stats, agent_status]"},
                    {"concurrency", "4"},
                    {"max_requests_per_second", "1000"},
                    {"retries", "0"}}}});
    if (!retention.empty()) std::ofstream(config_path(), std::ios::app) << "retention:\n" << retention;
  }

  // Moves every time of `columns` of `table` back by years: older than any retention.
  void age(const std::string& table, const std::vector<std::string>& columns) {
    std::string set;
    for (const auto& column : columns) {
      set += (set.empty() ? "" : ", ") + column + " = " +
             (engine() == Engine::sqlite ? "'2020' || substr(" + column + ", 5)"
                                         : column + " - interval '6 years'");
    }
    write_sql("UPDATE " + table + " SET " + set);
  }
  void age_everything() {
    age("sync_runs", {"started_at", "finished_at"});
    age("changes", {"changed_at"});
    age("agent_status_log", {"started_at", "ended_at"});
    age("user_stats", {"stat_date"});
  }

  std::string run_ids(const std::string& dataset) {
    return value(joined("id || ':' || status", "sync_runs WHERE dataset = '" + dataset + "'", "id"));
  }
  // Rows of the tables that name runs whose run is gone.
  std::int64_t orphans() {
    std::int64_t total = 0;
    for (const char* table : {"changes", "user_versions", "agent_status_log", "user_stats"}) {
      total += count(std::string("SELECT count(*) FROM ") + table +
                     " AS t WHERE NOT EXISTS (SELECT 1 FROM sync_runs AS r WHERE r.id = t.run_id)");
    }
    return total;
  }
};

TEST_P(RetentionE2e, PruneDeletesOldRowsNothingStillNeedsAndNothingElse) {
  configure("");
  const auto agents = dialer.users();
  for (const auto& agent : agents) dialer.set_agent_status(agent.id, "READY");
  const auto last_id = [&] { return value("SELECT max(id) FROM sync_runs"); };
  const auto run = [&](const std::vector<std::string>& args, int exit_code = 0) {
    EXPECT_EQ(sync(args).exit_code, exit_code);
    return last_id();
  };
  ASSERT_EQ(sync().exit_code, 0);  // users (14 added), user_stats, agent_status (states added)
  const auto first_users = value("SELECT min(id) FROM sync_runs WHERE dataset = 'users'");
  dialer.set_agent_status(agents[0].id, "IN CALL");
  run({"--dataset", "agent_status"});                             // a state changes: an interval closes
  const auto agents_unchanged = run({"--dataset", "agent_status"});  // nothing changed
  run({"--dataset", "agent_status"});                             // nothing changed: the latest
  const auto users_unchanged = run({"--dataset", "users"});
  sim::Fault down;
  down.status = 500;
  dialer.set_fault(down);
  const auto users_failed = run({"--dataset", "users"}, 1);
  dialer.clear_faults();
  const auto users_latest = run({"--dataset", "users"});  // nothing changed: the latest, and the latest ok
  const auto kept_agent_runs =
      value(joined("id", "sync_runs WHERE dataset = 'agent_status' AND id <> " + agents_unchanged, "id"));
  const auto stats_runs = run_ids("user_stats");
  const auto versions = count("SELECT count(*) FROM user_versions");
  const auto open_intervals = count("SELECT count(*) FROM agent_status_log WHERE ended_at IS NULL");
  ASSERT_GT(count("SELECT count(*) FROM agent_status_log WHERE ended_at IS NOT NULL"), 0);
  ASSERT_GT(count("SELECT count(*) FROM user_stats"), 0);
  ASSERT_GT(count("SELECT count(*) FROM changes"), 0);
  age_everything();

  configure("  sync_runs: 30d\n  agent_status_log: 30d\n  user_stats: 30d\n  changes: 365d\n");
  const auto pruned = run_rosterd({"prune", "--config", config_path()});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.all();
  EXPECT_NE(pruned.out.find("sync_runs: deleted 3 row(s) older than 30d\n"), std::string::npos) << pruned.out;

  // Runs: those that changed nothing, or wrote nothing (the failed one), went; the first
  // (its changes and versions name it), each dataset's latest and latest ok stayed.
  EXPECT_EQ(run_ids("users"), first_users + ":ok," + users_latest + ":ok")
      << users_unchanged << " and " << users_failed << " go";
  EXPECT_EQ(value(joined("id", "sync_runs WHERE dataset = 'agent_status'", "id")), kept_agent_runs);
  EXPECT_EQ(run_ids("user_stats"), stats_runs);
  // The other tables: closed intervals, old days and old changes went; history stayed.
  EXPECT_EQ(count("SELECT count(*) FROM agent_status_log WHERE ended_at IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM agent_status_log"), open_intervals);
  EXPECT_EQ(count("SELECT count(*) FROM user_stats"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM changes"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM user_versions"), versions);
  EXPECT_EQ(orphans(), 0);

  // The reports still work on what is left.
  const auto status = run_rosterd({"status", "--config", config_path()});
  EXPECT_EQ(status.exit_code, 0) << status.all();
  const auto history = run_rosterd({"history", agents[1].username, "--config", config_path()});
  EXPECT_EQ(history.exit_code, 0) << history.all();
  EXPECT_NE(history.out.find("  v1   added "), std::string::npos) << history.out;
  EXPECT_NE(history.out.find(" run " + first_users + "\n"), std::string::npos) << history.out;

  // Nothing is left to delete.
  const auto again = run_rosterd({"prune", "--config", config_path()});
  ASSERT_EQ(again.exit_code, 0) << again.all();
  for (const char* table : {"sync_runs", "agent_status_log", "user_stats", "changes"}) {
    EXPECT_NE(again.out.find(std::string(table) + ": deleted 0 row(s)"), std::string::npos) << again.out;
  }
}

TEST_P(RetentionE2e, WithoutSettingsPruneKeepsEverything) {
  configure("");
  ASSERT_EQ(sync().exit_code, 0);
  ASSERT_EQ(sync().exit_code, 0);
  age_everything();
  const auto before = dump_data_tables();
  const auto runs = count("SELECT count(*) FROM sync_runs");
  const auto pruned = run_rosterd({"prune", "--config", config_path()});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.all();
  EXPECT_NE(pruned.out.find("no table has a retention setting"), std::string::npos);
  EXPECT_SAME_DATA(before, dump_data_tables());
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs"), runs);
}

// The daemon makes a pass at start, outside any run, and counts it in its metrics.
TEST_P(RetentionE2e, TheDaemonPrunesAtStartAndCountsIt) {
  configure("");
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);  // users added: stays
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);  // unchanged: goes
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);  // unchanged: goes once the daemon's run is the latest
  const auto first = value("SELECT min(id) FROM sync_runs");
  const auto doomed = value("SELECT min(id) + 1 FROM sync_runs");
  const auto old_runs = "SELECT count(*) FROM sync_runs WHERE id <= " + value("SELECT max(id) FROM sync_runs");
  const auto old_before = count(old_runs);
  age("sync_runs", {"started_at", "finished_at"});
  configure("  sync_runs: 30d\n");
  std::ofstream(config_path(), std::ios::app) << "metrics:\n  listen: 127.0.0.1:0\n";

  RosterdProcess daemon({"run", "--config", config_path()});
  std::smatch pass;
  std::string err;
  ASSERT_TRUE(eventually(
      [&] {
        err = daemon.err();
        return std::regex_search(err, pass, std::regex(R"(retention: deleted (\d+) row\(s\) of sync_runs older than 30d)"));
      },
      30s))
      << daemon.err();
  const auto deleted = std::stoll(pass[1]);
  // Whether the third run was still the latest when the pass met it depends on how far the
  // daemon's own first run had got; the second goes either way.
  EXPECT_TRUE(deleted == 1 || deleted == 2) << deleted;
  EXPECT_EQ(count(old_runs), old_before - deleted);
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE id = " + doomed), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE id = " + first), 1);

  std::smatch address;
  ASSERT_TRUE(std::regex_search(err, address, std::regex(R"(serving http://127\.0\.0\.1:(\d+)/metrics)"))) << err;
  const auto metrics = http_get("http://127.0.0.1:" + address[1].str() + "/metrics");
  EXPECT_NE(metrics.find("rosterd_retention_deleted_rows_total{table=\"sync_runs\"} " + std::to_string(deleted) + "\n"),
            std::string::npos)
      << metrics;
  daemon.signal(SIGTERM);
  ASSERT_TRUE(daemon.wait(5s).has_value()) << daemon.err();
  EXPECT_EQ(orphans(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, RetentionE2e, k_engines, engine_test_name);

}  // namespace
}  // namespace rosterd::testing
