#include "service/daemon_metrics.hpp"

#include <chrono>

#include <fmt/format.h>

#include "core/log.hpp"
#include "metrics/families.hpp"
#include "metrics/process.hpp"
#include "store/store_error.hpp"

namespace rosterd::service {
namespace {

// The daemon's loop goes round at least every minute; three missed rounds is a stuck loop.
constexpr auto k_stuck_loop = std::chrono::minutes{3};

std::int64_t steady_ms(core::SteadyTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

DaemonMetrics::DaemonMetrics(const config::Config& config, const core::Clock& clock)
    : m_clock(clock), m_loop_beat(steady_ms(clock.steady_now())), m_config(config) {
  metrics::declare_sources(m_counted, m_config);
  const auto& wanted = m_config.metrics;
  if (wanted.host.empty()) return;
  m_server = std::make_unique<MetricsServer>(
      wanted.host, wanted.port,
      MetricsHandlers{[this] { return scrape(); }, [this] { return health(); }, [this] { return m_ready.load(); }});
  const std::string host = wanted.host.find(':') != std::string::npos ? "[" + wanted.host + "]" : wanted.host;
  core::log().info("metrics: serving http://{}:{}/metrics (and /healthz, /readyz)", host, m_server->port());
}

DaemonMetrics::~DaemonMetrics() {
  m_server.reset();  // no scrape runs while the rest goes
}

void DaemonMetrics::count_run(std::string_view source, const model::Dataset& dataset, const sync::RunOutcome& outcome) {
  metrics::count_run(m_counted, source, dataset, outcome);
}

void DaemonMetrics::count_pruned(std::string_view table, std::int64_t rows) {
  m_counted.add(metrics::families::retention_deleted, {std::string(table)}, static_cast<double>(rows));
}

void DaemonMetrics::reconfigured(const config::Config& config, const std::vector<std::string>& removed) {
  for (const auto& name : removed) m_counted.forget(name);
  metrics::declare_sources(m_counted, config);
  std::lock_guard lock(m_scrape_mutex);
  m_config = config;
}

void DaemonMetrics::loop_alive() {
  m_loop_beat = steady_ms(m_clock.steady_now());
}

void DaemonMetrics::set_ready() {
  m_ready = true;
}

std::optional<int> DaemonMetrics::port() const {
  if (!m_server) return std::nullopt;
  return m_server->port();
}

store::Database& DaemonMetrics::database() {
  if (!m_db) m_db = store::open(m_config.database, store::OpenMode::read_only);
  return *m_db;
}

std::string DaemonMetrics::scrape() {
  metrics::Registry state;
  metrics::collect_process(state);
  {
    std::lock_guard lock(m_scrape_mutex);
    try {
      m_state.collect(state, database(), m_config);
    } catch (const std::exception& e) {
      m_db.reset();  // opened again at the next scrape
      throw std::runtime_error(store::describe_failure(e, store::display_location(m_config.database)));
    }
  }
  return metrics::Registry::render({&m_counted, &state});
}

std::optional<std::string> DaemonMetrics::health() {
  const auto silent = std::chrono::milliseconds{steady_ms(m_clock.steady_now()) - m_loop_beat.load()};
  if (silent > k_stuck_loop) {
    return fmt::format("the daemon's loop has not gone round for {} s", silent.count() / 1000);
  }
  std::lock_guard lock(m_scrape_mutex);
  try {
    database().first_run(std::nullopt);
    return std::nullopt;
  } catch (const std::exception& e) {
    m_db.reset();
    return "the database cannot be read: " + store::describe_failure(e, store::display_location(m_config.database));
  }
}

}  // namespace rosterd::service
