#include "sources/per_user.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <system_error>
#include <thread>
#include <utility>

#include "http/sleeper.hpp"

namespace rosterd::sources {
namespace {

class RealRateTimer final : public RateTimer {
 public:
  [[nodiscard]] core::SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  bool sleep_until(core::SteadyTime deadline, std::stop_token stop) override {
    const auto left = deadline - now();
    if (left <= core::SteadyTime::duration::zero()) return !stop.stop_requested();
    return http::real_sleeper().sleep_for(std::chrono::ceil<std::chrono::milliseconds>(left), stop);
  }
};

// The slowest pace kept exact: one request in about eleven days.
constexpr double k_min_rate = 1e-6;

std::chrono::nanoseconds interval_of(double per_second) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(1e9 / std::max(per_second, k_min_rate))));
}

core::Status guarded_call(const PerUserFunction& call, const PerUserCall& arguments) {
  try {
    return call(arguments);
  } catch (const std::exception& error) {
    return core::Error{core::ErrorKind::internal, fmt::format("per-user call failed: {}", error.what())};
  }
}

// State shared by the workers of one run_per_user().
struct Dispatch {
  Dispatch(std::size_t n, RateLimiter& rate, const PerUserFunction& function)
      : count(n), limiter(rate), call(function) {}

  std::size_t count;
  RateLimiter& limiter;
  const PerUserFunction& call;
  std::stop_source run_stop;
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  PerUserReport report;  // guarded by mutex

  void record(std::size_t index, core::Status status) {
    std::lock_guard lock(mutex);
    ++report.calls;
    if (status) return;
    if (dooms_the_run(status.error().kind)) {
      stop_run(std::move(status).error());
    } else {
      report.failures.push_back({index, std::move(status).error()});
    }
  }

  // Under `mutex`. The first such error says why; the cancellations it causes say
  // nothing new.
  void stop_run(core::Error error) {
    if (!report.stopped_by) report.stopped_by = std::move(error);
    run_stop.request_stop();
  }

  void work(std::size_t worker) {
    const auto stop = run_stop.get_token();
    while (!stop.stop_requested()) {
      const auto index = next.fetch_add(1);
      if (index >= count || !limiter.acquire(stop)) return;
      record(index, guarded_call(call, PerUserCall{index, worker, stop}));
    }
  }
};

}  // namespace

RateTimer& real_rate_timer() {
  static RealRateTimer timer;
  return timer;
}

RateLimiter::RateLimiter(double per_second, RateTimer& timer) : m_timer(timer), m_interval(interval_of(per_second)) {}

bool RateLimiter::acquire(std::stop_token stop) {
  core::SteadyTime slot;
  {
    std::lock_guard lock(m_mutex);
    const auto now = m_timer.now();
    slot = m_next && *m_next > now ? *m_next : now;
    m_next = slot + m_interval;
  }
  return m_timer.sleep_until(slot, stop) && !stop.stop_requested();
}

std::vector<config::SettingSpec> per_user_settings() {
  const PerUserLimits defaults;
  return {config::whole_number_setting("concurrency", 1, 64)
              .documented(std::to_string(defaults.concurrency),
                          "Requests of the per-user datasets (one per user per run) in flight at once, across the source's runs."),
          config::number_setting("max_requests_per_second", 0, 1000, config::LowerBound::exclusive)
              .documented(fmt::format("{}", defaults.max_requests_per_second),
                          "Requests of the per-user datasets started per second at most, across the source's runs.")};
}

PerUserLimits per_user_limits(const config::SourceConfig& config) {
  PerUserLimits limits;
  limits.concurrency = static_cast<int>(config.setting_int("concurrency", limits.concurrency));
  limits.max_requests_per_second = config.setting_number("max_requests_per_second", limits.max_requests_per_second);
  return limits;
}

bool dooms_the_run(core::ErrorKind kind) noexcept {
  switch (kind) {
    case core::ErrorKind::auth:
    case core::ErrorKind::cancelled:
    case core::ErrorKind::connection:
    case core::ErrorKind::tls:
    case core::ErrorKind::redirect:
    case core::ErrorKind::config:
    case core::ErrorKind::internal:
      return true;
    default:
      return false;
  }
}

PerUserReport run_per_user(std::size_t count, int concurrency, RateLimiter& limiter, std::stop_token stop,
                           const PerUserFunction& call) {
  Dispatch dispatch{count, limiter, call};
  std::stop_callback forward(stop, [&dispatch] { dispatch.run_stop.request_stop(); });
  const auto workers = std::min(count, static_cast<std::size_t>(std::max(concurrency, 1)));
  {
    std::vector<std::jthread> threads;
    try {
      for (std::size_t worker = 0; worker < workers; ++worker) {
        threads.emplace_back([&dispatch, worker] { dispatch.work(worker); });
      }
    } catch (const std::system_error& error) {
      std::lock_guard lock(dispatch.mutex);
      dispatch.stop_run(core::Error{core::ErrorKind::internal,
                                    fmt::format("could not start a per-user worker thread: {}", error.what())});
    }
  }  // joins
  auto report = std::move(dispatch.report);
  if (stop.stop_requested() && (!report.stopped_by || report.stopped_by->kind == core::ErrorKind::cancelled)) {
    report.stopped_by = core::Error{core::ErrorKind::cancelled, "interrupted"};
  }
  std::sort(report.failures.begin(), report.failures.end(),
            [](const PerUserFailure& a, const PerUserFailure& b) { return a.index < b.index; });
  return report;
}

}  // namespace rosterd::sources
