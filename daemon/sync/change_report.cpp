#include "sync/change_report.hpp"

#include "core/log.hpp"

namespace rosterd::sync {

ChangeReport::ChangeReport(std::string_view source, store::RunCounts& counts, const LineSink* dry_run_output,
                           std::stop_token stop)
    : m_source(source), m_counts(counts), m_dry_run_output(dry_run_output), m_stop(std::move(stop)) {}

void ChangeReport::count(ChangeKind kind) {
  check_stop();
  switch (kind) {
    case ChangeKind::added:
      ++m_counts.added;
      break;
    case ChangeKind::updated:
      ++m_counts.updated;
      break;
    case ChangeKind::removed:
      ++m_counts.removed;
      break;
    case ChangeKind::restored:
      ++m_counts.restored;
      break;
    case ChangeKind::filled:
      ++m_counts.filled;
      break;
  }
}

void ChangeReport::check_stop() {
  if (++m_seen % 1024 == 0 && m_stop.stop_requested()) throw Interrupted();
}

void ChangeReport::log() const {
  for (const auto& line : m_lines) core::log().info("{}", line);
  const auto rest = m_total - static_cast<std::int64_t>(m_lines.size());
  if (rest > 0) core::log().info("{}: ... and {} more changes (see the changes table)", m_source, rest);
  if (m_counts.filled > 0) {
    core::log().info(
        "{}: {} users gained data rosterd had not read before (a first fill, not vendor changes; "
        "changes rows with change 'filled')",
        m_source, m_counts.filled);
  }
  for (const auto& line : m_state_lines) core::log().debug("{}", line);
}

}  // namespace rosterd::sync
