// `rosterd run` with more hanging vendors than `concurrency`: runs waiting on a
// vendor hold no concurrency slot, so healthy sources keep their schedule however
// many others hang. Observed through sync_runs only; no timing is asserted.

#include <signal.h>

#include <fstream>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;

constexpr int k_hanging = 6;
constexpr int k_healthy = 4;
constexpr int k_concurrency = 4;
// Successful runs each healthy source must complete while every hanging run is in progress.
constexpr int k_runs_meanwhile = 3;

class ConcurrencyE2e : public E2eTest {
 protected:
  // A stall longer than the test: the vendor never answers while the simulator runs.
  static sim::Fault stall(sim::Endpoint endpoint) {
    sim::Fault fault;
    fault.kind = sim::FaultKind::stall;
    fault.endpoint = endpoint;
    fault.delay = 10min;
    return fault;
  }

  // Healthy sources on a short interval, named ok0..ok3, of every vendor.
  std::vector<SourceBlock> healthy_sources() {
    const std::string vendors[] = {"worksection", "class4", "smartflo", "crocodial"};
    std::vector<SourceBlock> out;
    for (int i = 0; i < k_healthy; ++i) {
      out.push_back({add_tenant("ok" + std::to_string(i), vendors[i], 5, 100 + static_cast<std::uint64_t>(i)),
                     {{"interval", "1s"}}});
    }
    return out;
  }

  void write_config_with_concurrency(const std::vector<SourceBlock>& sources) {
    write_config(sources, "  timeout: 25s\n  retries: 0\n");
    std::ofstream(config_path(), std::ios::app) << "concurrency: " << k_concurrency << "\n";
  }

  // One snapshot of sync_runs (a single statement reads one WAL snapshot): how many
  // runs of `dataset` of the hanging sources are in progress, and the fewest
  // successful runs a healthy source started after the latest of them started.
  std::pair<std::int64_t, std::int64_t> progress(const std::string& dataset) {
    if (!std::filesystem::exists(db_path())) return {0, 0};
    try {
      const auto row = rows(
          "WITH hanging AS (SELECT started_at FROM sync_runs WHERE source LIKE 'hang%' AND dataset = '" + dataset +
          "' AND status = 'running'), healthy(name) AS (VALUES ('ok0'), ('ok1'), ('ok2'), ('ok3')) "
          "SELECT (SELECT count(*) FROM hanging), (SELECT min(n) FROM (SELECT (SELECT count(*) FROM sync_runs AS r "
          "WHERE r.source = healthy.name AND r.status = 'ok' AND r.started_at > (SELECT max(started_at) FROM "
          "hanging)) AS n FROM healthy))");
      return {std::stoll(row.at(0).at(0)), std::stoll(row.at(0).at(1))};
    } catch (const std::exception&) {
      return {0, 0};  // no schema yet
    }
  }

  // Waits (generously) until all hanging runs are in progress at once and every
  // healthy source has completed k_runs_meanwhile successful runs since the last
  // of them started; then stops the daemon and checks the hanging runs were
  // interrupted, not finished.
  void expect_healthy_sources_keep_running(RosterdProcess& daemon, const std::string& dataset) {
    std::pair<std::int64_t, std::int64_t> seen{0, 0};
    const bool held = eventually(
        [&] {
          seen = progress(dataset);
          return seen.first == k_hanging && seen.second >= k_runs_meanwhile;
        },
        90s);
    EXPECT_TRUE(held) << "last seen: " << seen.first << " hanging runs in progress, the slowest healthy source "
                      << seen.second << " runs since\n"
                      << daemon.err();

    daemon.signal(SIGTERM);
    const auto exit = daemon.wait(5s);
    ASSERT_TRUE(exit.has_value()) << "did not stop within 5 s\n" << daemon.err();
    EXPECT_EQ(*exit, 0) << daemon.err();
    EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE status = 'running'"), 0);
    if (held) {
      EXPECT_EQ(count("SELECT count(*) FROM sync_runs WHERE source LIKE 'hang%' AND dataset = '" + dataset +
                      "' AND error LIKE '%interrupted%'"),
                k_hanging)
          << "the hanging runs were still waiting when rosterd stopped";
    }
  }
};

TEST_F(ConcurrencyE2e, SixHangingVendorsDelayNoneOfFourHealthySources) {
  const std::string vendors[] = {"class4", "smartflo", "worksection", "crocodial"};
  auto sources = healthy_sources();
  for (int i = 0; i < k_hanging; ++i) {
    auto& tenant = add_tenant("hang" + std::to_string(i), vendors[i % 4], 5, 200 + static_cast<std::uint64_t>(i));
    tenant.set_fault(stall(sim::Endpoint::any));
    sources.push_back({tenant, {{"datasets", "[users]"}}});
  }
  write_config_with_concurrency(sources);
  auto daemon = std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  expect_healthy_sources_keep_running(*daemon, "users");
}

// Per-user datasets make their calls on threads of their own: a run whose every
// getLiveAgentInfo call hangs holds no slot either.
TEST_F(ConcurrencyE2e, SixHangingPerUserRunsDelayNoneOfFourHealthySources) {
  auto sources = healthy_sources();
  for (int i = 0; i < k_hanging; ++i) {
    auto& tenant = add_tenant("hang" + std::to_string(i), "crocodial", 3, 300 + static_cast<std::uint64_t>(i));
    tenant.set_fault(stall(sim::Endpoint::agent_info));
    // Two calls in flight per run: twelve hanging connections, well within the
    // simulator's threads.
    sources.push_back(
        {tenant, {{"datasets", "[users, agent_status]"}, {"agent_status_interval", "1s"}, {"concurrency", "2"}}});
  }
  write_config_with_concurrency(sources);
  auto daemon = std::make_unique<RosterdProcess>(std::vector<std::string>{"run", "--config", config_path()});
  expect_healthy_sources_keep_running(*daemon, "agent_status");
}

}  // namespace
}  // namespace rosterd::testing
