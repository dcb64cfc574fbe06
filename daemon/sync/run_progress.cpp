#include "sync/run_progress.hpp"

namespace rosterd::sync {

ProgressClient::ProgressClient(http::Client& inner, const core::Clock& clock, core::Millis interval)
    : m_inner(inner),
      m_clock(clock),
      m_interval(interval),
      m_started(clock.steady_now()),
      m_next(m_started + interval) {}

void ProgressClient::on_progress(Report report) {
  std::lock_guard lock(m_mutex);
  m_report = std::move(report);
}

core::Result<http::Response> ProgressClient::send(const http::Request& request, std::stop_token stop) {
  auto response = m_inner.send(request, std::move(stop));
  const auto now = m_clock.steady_now();
  std::lock_guard lock(m_mutex);
  if (m_report && now >= m_next) {
    m_next = now + m_interval;
    m_report(std::chrono::duration_cast<core::Millis>(now - m_started));
  }
  return response;
}

}  // namespace rosterd::sync
