// The run skeleton with a scripted dataset against a real SQLite store: the phases
// in order, the one transaction, the guard, and what each way of ending records.

#include "sync/runner.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "../store/temp_db.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"

namespace rosterd::sync {
namespace {

class NamedSource final : public sources::Source {
 public:
  [[nodiscard]] const std::string& name() const override { return m_name; }
  core::Status fetch_users(sources::RunContext&, sources::UserSink&) override { return {}; }
  core::Status check_connection(sources::RunContext&) override { return {}; }

 private:
  std::string m_name = "src";
};

class NoNetwork final : public http::Client {
 public:
  core::Result<http::Response> send(const http::Request&, std::stop_token) override {
    return core::Error{core::ErrorKind::internal, "no request expected"};
  }
};

// What the scripted dataset does, and what it saw.
struct Script {
  core::Status fetch_result;
  PlanResult plan;
  int changes = 1;  // profiles written, one change each
  bool fail_after_writing = false;
  std::vector<std::string> calls;
  std::optional<store::RunStatus> status_while_fetching;
  std::stop_source* stop_after_fetch = nullptr;  // as SIGTERM would, once the fetch is done
};

Script* g_script = nullptr;

// Writes `changes` profiles "p0".."pN" of the source.
class ScriptedRun final : public DatasetRun {
 public:
  explicit ScriptedRun(const DatasetInputs& inputs) : m_in(inputs) {}

  core::Status fetch(sources::RunContext&) override {
    g_script->calls.push_back("fetch");
    for (const auto& run : m_in.reader.latest_runs()) {
      if (run.dataset == "scripted") g_script->status_while_fetching = run.status;
    }
    if (g_script->stop_after_fetch != nullptr) g_script->stop_after_fetch->request_stop();
    return g_script->fetch_result;
  }
  [[nodiscard]] std::int64_t fetched() const override { return g_script->plan.fetched; }
  PlanResult plan() override {
    g_script->calls.push_back("plan");
    return g_script->plan;
  }
  core::Status write(store::Database& db, const store::ChangeStamp& stamp, ChangeReport& report) override {
    g_script->calls.push_back("write");
    const auto writer = db.entity_writer(model::Entity::profile, stamp);
    for (int i = 0; i < g_script->changes; ++i) {
      model::NamedEntity profile{"p" + std::to_string(i), "Profile " + std::to_string(i), {}};
      report.change(ChangeKind::added, [&] { return "src: profile " + profile.key + " added"; });
      writer->add(profile);
    }
    if (g_script->fail_after_writing) return core::Error{core::ErrorKind::internal, "the strategy failed"};
    return {};
  }
  core::Status preview(ChangeReport& report) override {
    g_script->calls.push_back("preview");
    for (int i = 0; i < g_script->changes; ++i) report.change(ChangeKind::added, [] { return std::string("line"); });
    return {};
  }

 private:
  DatasetInputs m_in;
};

std::unique_ptr<DatasetRun> start_scripted(const DatasetInputs& inputs) {
  return std::make_unique<ScriptedRun>(inputs);
}

const model::Dataset k_scripted{"scripted"};
const DatasetType k_table[] = {{k_scripted, &start_scripted}};

class RunSkeleton : public ::testing::Test {
 protected:
  RunSkeleton() {
    g_script = &script;
    config.name = "src";
    config.max_remove_ratio = 0.5;
  }
  ~RunSkeleton() override { g_script = nullptr; }

  RunOutcome run(RunOptions options = {}, std::stop_token stop = {}) {
    const SourceHandle handle{source, transport, {}, config};
    return runner.run(handle, k_scripted, options, stop);
  }
  bool has_profile(const std::string& key) {
    return db->entity_lookup(model::Entity::profile, "src")->find(key).has_value();
  }
  std::optional<store::RunRecord> last_run() {
    for (const auto& r : db->latest_runs()) {
      if (r.dataset == "scripted") return r;
    }
    return std::nullopt;
  }

  Script script;
  testing::TempDir dir;
  std::unique_ptr<store::Database> db = store::open(dir.file("roster.db"), store::OpenMode::read_write);
  store::Writer writer{*db};
  Runner runner{*db, writer, core::system_clock(), k_table};
  NamedSource source;
  NoNetwork transport;
  config::SourceConfig config;
};

TEST_F(RunSkeleton, RecordsTheStartThenFetchesPlansAndWritesInOneTransactionWithItsEnd) {
  script.plan.fetched = 3;
  script.plan.unchanged = 1;
  script.changes = 2;
  const auto outcome = run();
  ASSERT_EQ(outcome.status, store::RunStatus::ok) << outcome.error.value_or("");
  EXPECT_EQ(script.calls, (std::vector<std::string>{"fetch", "plan", "write"}));
  EXPECT_EQ(script.status_while_fetching, store::RunStatus::running) << "the start is recorded before the fetch";
  EXPECT_TRUE(has_profile("p0"));
  EXPECT_TRUE(has_profile("p1"));
  const auto recorded = last_run();
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->id, outcome.run_id);
  EXPECT_EQ(recorded->status, store::RunStatus::ok);
  EXPECT_EQ(recorded->counts.fetched, 3);
  EXPECT_EQ(recorded->counts.added, 2);
  EXPECT_EQ(recorded->counts.unchanged, 1);
}

TEST_F(RunSkeleton, AFetchErrorFailsTheRunBeforeItPlansOrWrites) {
  script.fetch_result = core::Error{core::ErrorKind::http, "GET https://x/users: HTTP 500"};
  const auto outcome = run();
  EXPECT_EQ(outcome.status, store::RunStatus::failed);
  EXPECT_EQ(script.calls, std::vector<std::string>{"fetch"});
  EXPECT_EQ(last_run()->error, "GET https://x/users: HTTP 500");
  EXPECT_FALSE(has_profile("p0"));
}

TEST_F(RunSkeleton, TheGuardRefusesAListingThatRemovesTooMuchUnlessForced) {
  script.plan.fetched = 4;
  script.plan.listing = ListingSummary{.fetched = 4, .unchanged = 4, .pending = 0, .listed_before = 10, .removals = 6};
  const auto refused = run();
  EXPECT_EQ(refused.status, store::RunStatus::refused);
  EXPECT_EQ(script.calls, (std::vector<std::string>{"fetch", "plan"}));
  EXPECT_NE(refused.error.value_or("").find("would remove 6 of 10"), std::string::npos) << *refused.error;
  EXPECT_EQ(last_run()->counts.removed, 0) << "a refused run removed nothing";
  EXPECT_FALSE(has_profile("p0"));

  script.calls.clear();
  RunOptions forced;
  forced.force = true;
  EXPECT_EQ(run(forced).status, store::RunStatus::ok);
  EXPECT_TRUE(has_profile("p0"));
}

TEST_F(RunSkeleton, AWriteErrorRollsBackEverythingTheRunWrote) {
  script.changes = 3;
  script.fail_after_writing = true;
  const auto outcome = run();
  EXPECT_EQ(outcome.status, store::RunStatus::failed);
  EXPECT_NE(outcome.error.value_or("").find("the strategy failed"), std::string::npos);
  EXPECT_FALSE(has_profile("p0"));
  EXPECT_EQ(last_run()->status, store::RunStatus::failed);
}

TEST_F(RunSkeleton, APartialPlanIsCommittedAndRecordedWithItsReason) {
  script.plan.fetched = 1;
  script.plan.status = store::RunStatus::partial;
  script.plan.error = "1 of 2 users failed: jdoe: HTTP 500";
  const auto outcome = run();
  EXPECT_EQ(outcome.status, store::RunStatus::partial);
  EXPECT_TRUE(has_profile("p0"));
  EXPECT_EQ(last_run()->status, store::RunStatus::partial);
  EXPECT_EQ(last_run()->error, "1 of 2 users failed: jdoe: HTTP 500");
}

TEST_F(RunSkeleton, ADryRunPreviewsAndWritesNothingNotEvenItsRun) {
  std::vector<std::string> printed;
  runner.set_dry_run_output([&](const std::string& line) { printed.push_back(line); });
  RunOptions dry;
  dry.dry_run = true;
  script.changes = 2;
  const auto outcome = run(dry);
  EXPECT_EQ(outcome.status, store::RunStatus::ok);
  EXPECT_EQ(outcome.run_id, 0);
  EXPECT_EQ(script.calls, (std::vector<std::string>{"fetch", "plan", "preview"}));
  ASSERT_EQ(printed.size(), 3u);
  EXPECT_NE(printed.back().find("(dry run: nothing written)"), std::string::npos);
  EXPECT_FALSE(last_run().has_value());
  EXPECT_FALSE(has_profile("p0"));
}

TEST_F(RunSkeleton, AStopDuringALargeWriteRollsItBackAsInterrupted) {
  std::stop_source stop;
  script.stop_after_fetch = &stop;  // seen at the 1024th change
  script.changes = 2000;
  const auto outcome = run({}, stop.get_token());
  EXPECT_EQ(outcome.status, store::RunStatus::interrupted);
  EXPECT_FALSE(has_profile("p0"));
  EXPECT_EQ(last_run()->status, store::RunStatus::interrupted);
}

}  // namespace
}  // namespace rosterd::sync
