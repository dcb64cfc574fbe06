#include "service/shared_schedule.hpp"

#include <unistd.h>

#include <algorithm>
#include <random>

#include "core/log.hpp"
#include "core/timestamp.hpp"

namespace rosterd::service {

namespace {

// Uniform in [0, 1), per run thread.
double unit() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

store::ScheduleRow published_row(const JobKey& key, const Scheduler::Job& job, core::SystemTime wall,
                                 core::SteadyTime steady) {
  store::ScheduleRow row;
  row.source = key.source;
  row.dataset = std::string(model::to_string(key.dataset));
  row.interval_ms = job.interval.count();
  if (!job.running) {
    row.next_due_at = core::format_timestamp(
        wall + std::max(core::Millis{0}, std::chrono::duration_cast<core::Millis>(job.due - steady)));
  }
  row.consecutive_failures = job.failures;
  row.pid = getpid();
  row.updated_at = core::format_timestamp(wall);
  return row;
}

SharedTurn take_shared_turn(store::Database& reader, store::Writer& writer, const JobKey& key, core::Millis interval,
                            const core::Clock& clock, const std::function<sync::RunOutcome()>& run) {
  const auto claim = reader.try_lock_source(key.source);
  if (!claim) return {SharedTurn::Kind::busy, false, std::nullopt};
  const auto dataset = model::to_string(key.dataset);
  const auto row = reader.schedule_row(key.source, dataset);
  if (row && row->next_due_at) {
    const auto due = core::parse_timestamp(*row->next_due_at);
    if (due && *due > clock.now()) return {SharedTurn::Kind::not_due, false, due};
  }
  // A run left 'running' by an instance that is gone (its claim just passed to us).
  writer.run([&](store::Database& db) {
    if (const int abandoned = db.fail_abandoned_runs(core::format_timestamp(clock.now())); abandoned > 0) {
      core::log().warn("{}: marked {} run(s) of an instance that stopped renewing its claims as failed", key.source,
                       abandoned);
    }
  });

  const auto started = clock.now();
  const auto outcome = run();
  if (outcome.status == store::RunStatus::interrupted) return {SharedTurn::Kind::ran, false, std::nullopt};
  const bool ok = outcome.status == store::RunStatus::ok || outcome.status == store::RunStatus::partial;
  const int failures = ok ? 0 : (row ? row->consecutive_failures : 0) + 1;
  const auto now = clock.now();
  const auto due = ok ? std::max(now, started + Scheduler::jittered(interval, unit()))
                      : now + Scheduler::jittered(Scheduler::backoff(interval, failures), unit());
  writer.run([&](store::Database& db) {
    store::ScheduleRow next;
    next.source = key.source;
    next.dataset = dataset;
    next.interval_ms = interval.count();
    next.next_due_at = core::format_timestamp(due);
    next.consecutive_failures = failures;
    next.pid = getpid();
    next.updated_at = core::format_timestamp(now);
    db.upsert_schedule(next);
  });
  return {SharedTurn::Kind::ran, ok, due};
}

}  // namespace rosterd::service
