#pragma once
// What `rosterd run` tells a monitoring system (README, "Monitoring"): the counters of
// its runs and retention passes, the gauges its database holds (read at each scrape on a
// connection of the scrapes' own), the process's own figures; served on `metrics:
// listen:` with /healthz and /readyz when configured, counted all the same otherwise.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "metrics/registry.hpp"
#include "metrics/run_metrics.hpp"
#include "model/dataset.hpp"
#include "service/metrics_server.hpp"
#include "store/database.hpp"
#include "sync/runner.hpp"

namespace rosterd::service {

class DaemonMetrics {
 public:
  // Starts the endpoint when `config.metrics` names one. Throws std::runtime_error when
  // it cannot listen there.
  DaemonMetrics(const config::Config& config, const core::Clock& clock);
  ~DaemonMetrics();
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  // Thread-safe: a run thread counts its run.
  void count_run(std::string_view source, const model::Dataset& dataset, const sync::RunOutcome& outcome);
  void count_pruned(std::string_view table, std::int64_t rows);
  // After a reload: the sources now configured; the removed ones' series are dropped.
  void reconfigured(const config::Config& config, const std::vector<std::string>& removed);
  // The daemon's loop went round (it does at least every minute): /healthz checks it.
  void loop_alive();
  // The sources are scheduled: /readyz answers 200 from now on.
  void set_ready();

  // The port the endpoint listens on; nullopt when there is none.
  [[nodiscard]] std::optional<int> port() const;

 private:
  std::string scrape();
  std::optional<std::string> health();
  // The scrapes' connection, opened (again) when needed. Under m_scrape_mutex.
  store::Database& database();

  const core::Clock& m_clock;
  metrics::Registry m_counted;
  std::atomic<bool> m_ready{false};
  std::atomic<std::int64_t> m_loop_beat{0};  // steady clock, milliseconds since its epoch

  std::mutex m_scrape_mutex;  // guards what follows
  config::Config m_config;
  metrics::StateCollector m_state;
  std::unique_ptr<store::Database> m_db;

  std::unique_ptr<MetricsServer> m_server;  // last: stopped first
};

}  // namespace rosterd::service
