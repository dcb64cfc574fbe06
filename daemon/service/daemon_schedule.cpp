// The schedule `rosterd run` publishes for `rosterd status` (the schedule table).
#include "core/log.hpp"
#include "service/daemon.hpp"
#include "service/shared_schedule.hpp"
#include "store/status.hpp"

namespace rosterd::service {

void Daemon::publish_all() {
  std::set<JobKey> keys;
  for (const auto& [key, job] : m_scheduler.jobs()) keys.insert(key);
  publish(keys);
}

void Daemon::publish(const std::set<JobKey>& keys) {
  // A shared schedule's rows are written by the instance that ran each job, under its claim.
  if (m_db->shared_schedule()) return;
  if (keys.empty()) return;
  const auto wall = m_clock.now();
  const auto steady = m_clock.steady_now();
  std::vector<store::ScheduleRow> rows;
  for (const auto& key : keys) rows.push_back(published_row(key, m_scheduler.jobs().at(key), wall, steady));
  try {
    m_writer->run([&](store::Database& db) {
      for (const auto& row : rows) db.upsert_schedule(row);
    });
  } catch (const std::exception& e) {
    core::log().warn("could not publish the schedule: {}",
                     store::describe_failure(e, store::display_location(m_config.database)));
  }
}

}  // namespace rosterd::service
