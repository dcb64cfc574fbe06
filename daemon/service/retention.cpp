#include "service/retention.hpp"

#include <fmt/format.h>

#include "core/duration.hpp"
#include "core/log.hpp"
#include "core/timestamp.hpp"
#include "store/store_error.hpp"
#include "store/upkeep.hpp"

namespace rosterd::service {

std::map<std::string, std::int64_t> prune_once(store::Writer& writer, const RetentionSettings& settings,
                                               core::SystemTime now, std::stop_token stop,
                                               const PruneOptions& options) {
  std::map<std::string, std::int64_t> deleted;
  std::mutex pause_mutex;
  std::condition_variable_any pause;
  for (const auto table : {store::RetainedTable::changes, store::RetainedTable::agent_status_log,
                           store::RetainedTable::user_stats, store::RetainedTable::sync_runs}) {
    const auto setting = settings.find(store::to_string(table));
    if (setting == settings.end()) continue;
    const auto cutoff = core::format_timestamp(now - setting->second);
    auto& total = deleted[std::string(store::to_string(table))];
    store::PruneStep step;
    while (!stop.stop_requested()) {
      step = writer.run(
          [&](store::Database& db) { return db.prune(table, cutoff, options.batch, step.resume_after); });
      total += step.deleted;
      if (step.deleted < options.batch) break;
      std::unique_lock lock(pause_mutex);
      pause.wait_for(lock, stop, options.pause, [] { return false; });
    }
  }
  return deleted;
}

RetentionKeeper::RetentionKeeper(store::Writer& writer, const core::Clock& clock, RetentionSettings settings,
                                 OnDeleted on_deleted)
    : m_writer(writer), m_clock(clock), m_on_deleted(std::move(on_deleted)), m_settings(std::move(settings)) {
  m_thread = std::jthread([this](std::stop_token stop) { loop(stop); });
}

RetentionKeeper::~RetentionKeeper() {
  m_thread.request_stop();
  m_wake.notify_all();
}

void RetentionKeeper::configure(RetentionSettings settings) {
  std::lock_guard lock(m_mutex);
  m_settings = std::move(settings);
}

void RetentionKeeper::loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    RetentionSettings settings;
    {
      std::lock_guard lock(m_mutex);
      settings = m_settings;
    }
    if (!settings.empty()) {
      const auto started = m_clock.steady_now();
      try {
        for (const auto& [table, rows] : prune_once(m_writer, settings, m_clock.now(), stop)) {
          if (rows == 0) continue;
          m_on_deleted(table, rows);
          core::log().info("retention: deleted {} row(s) of {} older than {}", rows, table,
                           core::format_duration(settings.at(table)));
        }
      } catch (const std::exception& e) {
        core::log().warn("retention: the pass stopped, trying again in {}: {}",
                         core::format_duration(std::chrono::duration_cast<core::Millis>(k_every)), e.what());
      }
      core::log().debug("retention: pass done in {} ms",
                        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.steady_now() - started).count());
    }
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, stop, k_every, [] { return false; });
  }
}

}  // namespace rosterd::service
