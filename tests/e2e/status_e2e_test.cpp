// `rosterd status` after real `rosterd sync` runs against the simulator: outcome,
// counts and errors per (source, dataset), the documented --json keys, the
// daemon's schedule (live and stale), --database without a configuration,
// configured pairs that never ran, and the exit status monitoring relies on.

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "core/clock.hpp"
#include "core/timestamp.hpp"
#include "store/database.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

const std::set<std::string> k_row_keys{"source",      "dataset",       "configured",       "last_run",
                                       "running_now", "running_since", "running_progress", "schedule"};
const std::set<std::string> k_run_keys{"id",        "status",   "started_at", "finished_at", "duration_ms",
                                       "fetched",   "added",    "updated",    "removed",     "restored",
                                       "unchanged", "requests", "bytes",      "filled",      "error"};
const std::set<std::string> k_schedule_keys{"daemon_pid",  "daemon_running",       "interval_ms",
                                            "next_due_at", "consecutive_failures", "updated_at"};

std::set<std::string> keys_of(simdjson::dom::object object) {
  std::set<std::string> keys;
  for (auto field : object) keys.emplace(field.key);
  return keys;
}

std::string text(simdjson::dom::element element) {
  return std::string(element.get_string().value());
}

class StatusE2e : public E2eTest {
 public:
  StatusE2e() = default;
  explicit StatusE2e(Engine engine) { use_engine(engine); }

 protected:
  // One good source (worksection) and one whose every listing page answers HTTP 500.
  void sync_good_and_broken() {
    auto& good = add_tenant("good", "worksection", 12, 1);
    auto& broken = add_tenant("broken-class4-switch", "class4", 5, 2);
    sim::Fault fault;
    fault.kind = sim::FaultKind::http_status;
    fault.status = 500;
    broken.set_fault(fault);
    write_config({{good}, {broken, {}, true}});
    const auto synced = sync();
    ASSERT_EQ(synced.exit_code, 1) << synced.all();
  }

  ProcessResult status(std::vector<std::string> args = {}) {
    args.insert(args.begin(), "status");
    if (std::find(args.begin(), args.end(), "--database") == args.end()) {
      args.insert(args.end(), {"--config", config_path()});
    }
    return run_rosterd(args);
  }

  // The table line of (source, dataset) and the note lines under it.
  static std::vector<std::string> table_row(const std::string& out, const std::string& source,
                                            const std::string& dataset) {
    std::istringstream lines(out);
    std::vector<std::string> found;
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string first;
      std::string second;
      words >> first >> second;
      if (!found.empty() && line.starts_with(" ")) {
        found.push_back(line);
      } else if (!found.empty()) {
        break;
      } else if (first == source && second == dataset) {
        found.push_back(line);
      }
    }
    return found;
  }

  simdjson::dom::element json_row(simdjson::dom::parser& parser, const std::string& json, const std::string& source,
                                  const std::string& dataset) {
    for (auto row : parser.parse(json).get_array()) {
      if (text(row["source"]) == source && text(row["dataset"]) == dataset) return row;
    }
    ADD_FAILURE() << "no row for " << source << "/" << dataset << " in " << json;
    return {};
  }

  void add_schedule_row(const std::string& source, const std::string& next_due_sql, std::int64_t pid) {
    write_sql(
        "INSERT INTO schedule (source, dataset, interval_ms, next_due_at, consecutive_failures, pid, updated_at) "
        "VALUES ('" +
        source + "', 'users', 900000, " + next_due_sql + ", 2, " + std::to_string(pid) +
        ", '2026-01-01T00:00:00.000Z')");
  }
};

// The cases that read what runs recorded, on both engines.
class StatusEnginesE2e : public StatusE2e, public ::testing::WithParamInterface<Engine> {
 protected:
  StatusEnginesE2e() : StatusE2e(GetParam()) {}
};

TEST_P(StatusEnginesE2e, ShowsEachOutcomeWithCountsAndErrorAndExitsOneOnAFailure) {
  ASSERT_NO_FATAL_FAILURE(sync_good_and_broken());
  const auto r = status();
  EXPECT_EQ(r.exit_code, 1) << r.all();

  const auto good = table_row(r.out, "good", "users");
  ASSERT_EQ(good.size(), 1u) << r.out;
  std::istringstream words(good[0]);
  std::vector<std::string> cells;
  for (std::string word; words >> word;) cells.push_back(word);
  // good users <time> (<rel> ago) ok <took> fetched added updated removed restored unchanged requests ...
  ASSERT_GE(cells.size(), 15u) << good[0];
  EXPECT_EQ(cells[2], value("SELECT started_at FROM sync_runs WHERE source = 'good'").substr(0, 19) + "Z");
  const auto outcome = std::find(cells.begin(), cells.end(), "ok");
  ASSERT_NE(outcome, cells.end()) << good[0];
  EXPECT_EQ(std::vector<std::string>(outcome + 2, outcome + 9),
            (std::vector<std::string>{"12", "12", "0", "0", "0", "0", "1"}))
      << good[0];
  EXPECT_NE(good[0].find("not scheduled"), std::string::npos) << good[0];

  const auto broken = table_row(r.out, "broken-class4-switch", "users");
  ASSERT_EQ(broken.size(), 2u) << r.out;
  EXPECT_NE(broken[0].find(" failed "), std::string::npos) << broken[0];
  const auto error = value("SELECT error FROM sync_runs WHERE source = 'broken-class4-switch'");
  ASSERT_GT(error.size(), 100u) << "the shortening below needs a long error: " << error;
  EXPECT_NE(error.find("HTTP 500"), std::string::npos) << error;
  const auto at = broken[1].find("error: ");
  ASSERT_NE(at, std::string::npos) << broken[1];
  EXPECT_EQ(broken[1].substr(at + 7), error.substr(0, 97) + "...") << "shortened to 100 characters";
  EXPECT_EQ(r.out.find(error), std::string::npos) << "the whole error is for --json";
}

TEST_P(StatusEnginesE2e, JsonHasTheDocumentedKeysAndTheStoredValues) {
  ASSERT_NO_FATAL_FAILURE(sync_good_and_broken());
  const auto r = status({"--json"});
  EXPECT_EQ(r.exit_code, 1) << r.all();
  simdjson::dom::parser parser;
  simdjson::dom::array all;
  ASSERT_EQ(parser.parse(r.out).get(all), simdjson::SUCCESS) << r.out;
  EXPECT_EQ(all.size(), 2u);
  for (auto row : all) {
    EXPECT_EQ(keys_of(row.get_object()), k_row_keys);
    EXPECT_EQ(keys_of(row["last_run"].get_object()), k_run_keys);
  }

  simdjson::dom::parser row_parser;
  const auto good = json_row(row_parser, r.out, "good", "users");
  EXPECT_TRUE(good["configured"].get_bool().value());
  EXPECT_FALSE(good["running_now"].get_bool().value());
  EXPECT_TRUE(good["running_since"].is_null());
  EXPECT_TRUE(good["schedule"].is_null());
  const auto run = good["last_run"];
  EXPECT_EQ(run["id"].get_int64().value(), count("SELECT id FROM sync_runs WHERE source = 'good'"));
  EXPECT_EQ(text(run["status"]), "ok");
  EXPECT_EQ(text(run["started_at"]), value("SELECT started_at FROM sync_runs WHERE source = 'good'"));
  EXPECT_EQ(text(run["finished_at"]), value("SELECT finished_at FROM sync_runs WHERE source = 'good'"));
  EXPECT_GE(run["duration_ms"].get_int64().value(), 0);
  for (const char* column : {"fetched", "added", "updated", "removed", "restored", "unchanged", "requests", "bytes"}) {
    EXPECT_EQ(run[column].get_int64().value(),
              count(std::string("SELECT ") + column + " FROM sync_runs WHERE source = 'good'"))
        << column;
  }
  EXPECT_EQ(run["fetched"].get_int64().value(), 12);
  EXPECT_TRUE(run["error"].is_null());

  simdjson::dom::parser broken_parser;
  const auto broken = json_row(broken_parser, r.out, "broken-class4-switch", "users")["last_run"];
  EXPECT_EQ(text(broken["status"]), "failed");
  EXPECT_EQ(text(broken["error"]), value("SELECT error FROM sync_runs WHERE source = 'broken-class4-switch'"))
      << "complete";
  EXPECT_EQ(broken["requests"].get_int64().value(), 2) << "one retry";
}

// The single-host daemon's schedule: its lock and its process id (SQLite; the
// PostgreSQL schedule is shared by instances, tests/e2e/instances_e2e_test.cpp).
TEST_F(StatusE2e, ALiveDaemonsScheduleShowsNextDueAndRunningNow) {
  auto& one = add_tenant("one", "worksection", 3, 1);
  auto& two = add_tenant("two", "worksection", 4, 2);
  write_config({{one}, {two}});
  ASSERT_EQ(sync().exit_code, 0);
  // This process stands for the daemon: it holds the database's daemon lock.
  const auto daemon_lock = store::lock_daemon(db_path());
  const auto due = core::format_timestamp(core::system_clock().now() + 2h);
  add_schedule_row("one", "'" + due + "'", getpid());
  add_schedule_row("two", "NULL", getpid());

  const auto r = status();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  const auto one_row = table_row(r.out, "one", "users");
  ASSERT_FALSE(one_row.empty()) << r.out;
  EXPECT_NE(one_row[0].find(due.substr(0, 19) + "Z (in 1h"), std::string::npos) << one_row[0];
  const auto two_row = table_row(r.out, "two", "users");
  ASSERT_FALSE(two_row.empty()) << r.out;
  EXPECT_TRUE(two_row[0].ends_with("running now")) << two_row[0];

  const auto json = status({"--json"});
  simdjson::dom::parser parser;
  const auto one_json = json_row(parser, json.out, "one", "users");
  EXPECT_FALSE(one_json["running_now"].get_bool().value());
  const auto schedule = one_json["schedule"];
  EXPECT_EQ(keys_of(schedule.get_object()), k_schedule_keys);
  EXPECT_EQ(text(schedule["next_due_at"]), due);
  EXPECT_TRUE(schedule["daemon_running"].get_bool().value());
  EXPECT_EQ(schedule["daemon_pid"].get_int64().value(), getpid());
  EXPECT_EQ(schedule["interval_ms"].get_int64().value(), 900000);
  EXPECT_EQ(schedule["consecutive_failures"].get_int64().value(), 2);
  simdjson::dom::parser two_parser;
  const auto two_json = json_row(two_parser, json.out, "two", "users");
  EXPECT_TRUE(two_json["running_now"].get_bool().value());
  EXPECT_TRUE(two_json["schedule"]["next_due_at"].is_null());
}

TEST_F(StatusE2e, AScheduleOfAnEndedDaemonSaysItIsNotRunning) {
  auto& one = add_tenant("one", "worksection", 3, 1);
  write_config({{one}});
  ASSERT_EQ(sync().exit_code, 0);
  add_schedule_row("one", "'2026-01-01T00:15:00.000Z'", k_dead_pid);

  const auto r = status();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  const auto row = table_row(r.out, "one", "users");
  ASSERT_FALSE(row.empty()) << r.out;
  EXPECT_TRUE(row[0].ends_with("rosterd run is not running")) << row[0];
  EXPECT_EQ(r.out.find("2026-01-01T00:15:00Z"), std::string::npos) << "a stale due time is not shown as due";

  const auto json = status({"--json"});
  simdjson::dom::parser parser;
  const auto schedule = json_row(parser, json.out, "one", "users")["schedule"];
  EXPECT_FALSE(schedule["daemon_running"].get_bool().value());
  EXPECT_EQ(schedule["daemon_pid"].get_int64().value(), k_dead_pid);
}

TEST_F(StatusE2e, ARunningRowIsInProgressWhileItsProcessLivesAndInterruptedAfter) {
  auto& one = add_tenant("one", "worksection", 3, 1);
  auto& two = add_tenant("two", "worksection", 4, 2);
  write_config({{one}, {two}});
  ASSERT_EQ(sync().exit_code, 0);
  const auto started = core::format_timestamp(core::system_clock().now());
  write_sql("INSERT INTO sync_runs (source, dataset, started_at, status, pid) VALUES ('one', 'users', '" + started +
            "', 'running', " + std::to_string(getpid()) + ")");
  write_sql("INSERT INTO sync_runs (source, dataset, started_at, status, pid) VALUES ('two', 'users', '" + started +
            "', 'running', " + std::to_string(k_dead_pid) + ")");

  const auto r = status();
  EXPECT_EQ(r.exit_code, 1) << "a run whose process died is a failed one: " << r.all();
  const auto one_row = table_row(r.out, "one", "users");
  ASSERT_FALSE(one_row.empty()) << r.out;
  EXPECT_NE(one_row[0].find(" ok "), std::string::npos) << "the last run that ended: " << one_row[0];
  EXPECT_NE(one_row[0].find("running now (started "), std::string::npos) << one_row[0];
  const auto two_row = table_row(r.out, "two", "users");
  ASSERT_EQ(two_row.size(), 2u) << r.out;
  EXPECT_NE(two_row[0].find(" failed "), std::string::npos) << two_row[0];
  EXPECT_NE(two_row[1].find("error: the rosterd process ended during the run (a crash or kill -9)"), std::string::npos)
      << two_row[1];

  const auto json = status({"--json"});
  simdjson::dom::parser parser;
  const auto one_json = json_row(parser, json.out, "one", "users");
  EXPECT_TRUE(one_json["running_now"].get_bool().value());
  EXPECT_EQ(text(one_json["running_since"]), started);
  EXPECT_EQ(text(one_json["last_run"]["status"]), "ok");
  simdjson::dom::parser two_parser;
  const auto two_run = json_row(two_parser, json.out, "two", "users")["last_run"];
  EXPECT_EQ(text(two_run["status"]), "failed");
  EXPECT_TRUE(two_run["finished_at"].is_null());
  EXPECT_EQ(value("SELECT status FROM sync_runs ORDER BY id DESC LIMIT 1"), "running") << "status writes nothing";
}

TEST_P(StatusEnginesE2e, DatabaseAloneWorksWithoutAConfiguration) {
  ASSERT_NO_FATAL_FAILURE(sync_good_and_broken());
  std::filesystem::remove(config_path());
  const auto r = run_rosterd({"status", "--database", db_location()});
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_EQ(table_row(r.out, "good", "users").size(), 1u) << r.out;
  EXPECT_EQ(table_row(r.out, "broken-class4-switch", "users").size(), 2u) << r.out;

  const auto json = run_rosterd({"status", "--json", "--database", db_location()});
  simdjson::dom::parser parser;
  EXPECT_TRUE(json_row(parser, json.out, "good", "users")["configured"].is_null()) << "nothing known of a config";

  const auto missing = run_rosterd({"status", "--database", m_dir.file("missing.db")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("missing.db"), std::string::npos) << missing.err;
  EXPECT_EQ(run_rosterd({"status", "--no-such-flag"}).exit_code, 2);
}

TEST_P(StatusEnginesE2e, ConfiguredPairsThatNeverRanAreListedAndRemovedSourcesMarked) {
  auto& dialer = add_tenant("dialer", "crocodial", 4, 1);
  auto& projects = add_tenant("projects", "worksection", 3, 2);
  write_config({{dialer, {{"datasets", "[users, portfolios]"}}}, {projects}});
  const auto before = status();
  EXPECT_EQ(before.exit_code, 0) << "no database yet: nothing failed. " << before.all();
  ASSERT_EQ(table_row(before.out, "projects", "users").size(), 1u) << before.out;
  EXPECT_NE(table_row(before.out, "projects", "users")[0].find("never run"), std::string::npos);

  ASSERT_EQ(sync({"--source", "dialer", "--dataset", "users"}).exit_code, 0);
  const auto r = status();
  EXPECT_EQ(r.exit_code, 0) << r.all();
  const std::vector<std::pair<std::string, std::string>> never_run{{"dialer", "portfolios"}, {"projects", "users"}};
  for (const auto& [source, dataset] : never_run) {
    const auto row = table_row(r.out, source, dataset);
    ASSERT_EQ(row.size(), 1u) << source << "/" << dataset << "\n" << r.out;
    EXPECT_NE(row[0].find("never run"), std::string::npos) << row[0];
  }
  simdjson::dom::parser parser;
  const auto never = json_row(parser, status({"--json"}).out, "projects", "users");
  EXPECT_TRUE(never["configured"].get_bool().value());
  EXPECT_TRUE(never["last_run"].is_null());

  // The dialer fails, then leaves the configuration: its row stays, marked, and no
  // longer decides the exit status.
  sim::Fault fault;
  fault.kind = sim::FaultKind::http_status;
  dialer.set_fault(fault);
  ASSERT_EQ(sync({"--source", "dialer", "--dataset", "users"}).exit_code, 1);
  EXPECT_EQ(status().exit_code, 1);
  write_config({{projects}});
  const auto removed = status();
  EXPECT_EQ(removed.exit_code, 0) << removed.all();
  const auto row = table_row(removed.out, "dialer", "users");
  ASSERT_EQ(row.size(), 3u) << removed.out;
  EXPECT_NE(row[0].find(" failed "), std::string::npos) << row[0];
  EXPECT_NE(row[2].find("not in the configuration"), std::string::npos) << row[2];
  simdjson::dom::parser removed_parser;
  EXPECT_FALSE(json_row(removed_parser, status({"--json"}).out, "dialer", "users")["configured"].get_bool().value());
}

INSTANTIATE_TEST_SUITE_P(Engines, StatusEnginesE2e, k_engines, engine_test_name);

}  // namespace
}  // namespace rosterd::testing
