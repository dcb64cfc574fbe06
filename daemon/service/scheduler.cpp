#include "service/scheduler.hpp"

#include <algorithm>
#include <random>

namespace rosterd::service {

Scheduler::Scheduler(Random random) : m_random(std::move(random)) {
  if (!m_random) {
    m_random = [engine = std::mt19937_64{std::random_device{}()}]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

core::Millis Scheduler::jittered(core::Millis interval, double unit) {
  const double factor = 1.0 - k_jitter + 2.0 * k_jitter * std::clamp(unit, 0.0, 1.0);
  return core::Millis{static_cast<core::Millis::rep>(static_cast<double>(interval.count()) * factor)};
}

core::Millis Scheduler::backoff(core::Millis interval, int failures) {
  core::Millis delay = k_backoff_base;
  for (int i = 1; i < failures && delay < interval; ++i) delay *= 2;
  return std::min(delay, interval);
}

void Scheduler::upsert(const JobKey& key, core::Millis interval, core::SteadyTime now) {
  auto [it, added] = m_jobs.try_emplace(key, Job{interval, now, 0, false});
  if (added) return;
  it->second.interval = interval;
  if (!it->second.running) it->second.due = std::min(it->second.due, now + interval);
}

void Scheduler::remove(const JobKey& key) { m_jobs.erase(key); }

std::vector<JobKey> Scheduler::take_ready(core::SteadyTime now, std::size_t limit) {
  std::vector<std::pair<core::SteadyTime, const JobKey*>> due;
  for (const auto& [key, job] : m_jobs) {
    if (!job.running && job.due <= now) due.emplace_back(job.due, &key);
  }
  std::sort(due.begin(), due.end());
  std::vector<JobKey> out;
  for (const auto& [when, key] : due) {
    if (out.size() >= limit) break;
    if (source_running(key->source)) continue;
    m_jobs.at(*key).running = true;
    m_running_sources.insert(key->source);
    out.push_back(*key);
  }
  return out;
}

void Scheduler::finished(const JobKey& key, bool ok, core::SteadyTime started, core::SteadyTime now) {
  m_running_sources.erase(key.source);
  const auto it = m_jobs.find(key);
  if (it == m_jobs.end()) return;  // removed by a reload while it ran
  auto& job = it->second;
  job.running = false;
  if (ok) {
    job.failures = 0;
    job.due = std::max(now, started + jittered(job.interval, m_random()));
  } else {
    ++job.failures;
    job.due = now + jittered(backoff(job.interval, job.failures), m_random());
  }
}

void Scheduler::deferred(const JobKey& key, core::SteadyTime now) {
  m_running_sources.erase(key.source);
  const auto it = m_jobs.find(key);
  if (it == m_jobs.end()) return;
  it->second.running = false;
  it->second.due = now + k_deferred_retry;
}

void Scheduler::adopt(const JobKey& key, core::SteadyTime due) {
  m_running_sources.erase(key.source);
  const auto it = m_jobs.find(key);
  if (it == m_jobs.end()) return;
  it->second.running = false;
  it->second.due = due;
}

std::optional<core::SteadyTime> Scheduler::next_due() const {
  std::optional<core::SteadyTime> earliest;
  for (const auto& [key, job] : m_jobs) {
    // A job waiting for its source to become free is woken by that run's end.
    if (job.running || source_running(key.source)) continue;
    if (!earliest || job.due < *earliest) earliest = job.due;
  }
  return earliest;
}

}  // namespace rosterd::service
