#pragma once
// Long runs show progress. Wrapped around a run's HTTP client, this calls `report`
// after a response at most once per interval (the first time one interval after the
// run started), so that a run still going says how far it got: the runner logs a line
// and records the counts in the run's sync_runs row for `rosterd status`.
// Per-user datasets send from several threads: report is called under a lock, never
// twice at once.

#include <functional>
#include <mutex>

#include "core/clock.hpp"
#include "http/http_client.hpp"

namespace rosterd::sync {

inline constexpr core::Millis k_progress_interval{std::chrono::seconds{10}};

class ProgressClient final : public http::Client {
 public:
  using Report = std::function<void(core::Millis elapsed)>;

  ProgressClient(http::Client& inner, const core::Clock& clock, core::Millis interval = k_progress_interval);

  // Until set, nothing is reported.
  void on_progress(Report report);

  core::Result<http::Response> send(const http::Request& request, std::stop_token stop = {}) override;

 private:
  http::Client& m_inner;
  const core::Clock& m_clock;
  core::Millis m_interval;
  core::SteadyTime m_started;
  std::mutex m_mutex;
  core::SteadyTime m_next;  // guarded by m_mutex
  Report m_report;          // guarded by m_mutex
};

}  // namespace rosterd::sync
