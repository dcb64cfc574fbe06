#pragma once
// When each (source, dataset) runs. Pure bookkeeping over steady time, so that
// tests drive it with a fake clock:
// - every job runs first at start-up (or when it is added by a reload);
// - after a success the next run is due one interval (jittered +-10%) after the
//   previous one started, or at once if that moment has passed;
// - after a failure the next run is due after an exponential backoff
//   (k_backoff_base doubling per consecutive failure), capped at the interval;
// - two runs of the same source never overlap, whatever their datasets.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "model/dataset.hpp"

namespace rosterd::service {

struct JobKey {
  std::string source;
  model::Dataset dataset = model::Dataset::users;

  auto operator<=>(const JobKey&) const = default;
};

class Scheduler {
 public:
  // Uniform in [0, 1).
  using Random = std::function<double()>;

  static constexpr core::Millis k_backoff_base{std::chrono::seconds{10}};
  static constexpr double k_jitter = 0.10;

  explicit Scheduler(Random random = {});

  // Adds a job, due now; for a known job, takes the new interval and brings its
  // due time forward if the new interval makes the wait shorter.
  void upsert(const JobKey& key, core::Millis interval, core::SteadyTime now);
  void remove(const JobKey& key);

  // Due jobs whose source has no run in progress, earliest first, at most
  // `limit`; they are marked running.
  std::vector<JobKey> take_ready(core::SteadyTime now, std::size_t limit);

  // A run of `key` that started at `started` ended now.
  void finished(const JobKey& key, bool ok, core::SteadyTime started, core::SteadyTime now);
  // `key` did not run: another process (`rosterd sync`) was running its source. Due
  // again after k_deferred_retry, without counting a failure.
  static constexpr core::Millis k_deferred_retry{std::chrono::seconds{5}};
  void deferred(const JobKey& key, core::SteadyTime now);

  // A run of `key` ended, or did not begin, and another process decided when it is due
  // next (a schedule shared through the database): due at `due`; failures as they were.
  void adopt(const JobKey& key, core::SteadyTime due);

  // The earliest due time of a job that could start (its source is idle);
  // nullopt when none.
  [[nodiscard]] std::optional<core::SteadyTime> next_due() const;

  struct Job {
    core::Millis interval{0};
    core::SteadyTime due{};
    int failures = 0;
    bool running = false;
  };
  [[nodiscard]] const std::map<JobKey, Job>& jobs() const { return m_jobs; }
  [[nodiscard]] bool source_running(std::string_view source) const { return m_running_sources.count(source) != 0; }

  // interval * (1 - k_jitter + 2 * k_jitter * unit).
  static core::Millis jittered(core::Millis interval, double unit);
  // min(interval, k_backoff_base * 2^(failures - 1)); failures >= 1.
  static core::Millis backoff(core::Millis interval, int failures);

 private:
  Random m_random;
  std::map<JobKey, Job> m_jobs;
  std::set<std::string, std::less<>> m_running_sources;
};

}  // namespace rosterd::service
