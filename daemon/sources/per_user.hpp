#pragma once
// Per-user datasets call the vendor once per user (CrocoDial getUserInfo and
// getLiveAgentInfo). This runs those calls on a few threads at once, under a
// request-rate cap shared by all of them, and keeps one user's failure from
// failing the others.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace rosterd::sources {

// The time seam of the rate cap: tests move a fake clock instead of waiting.
class RateTimer {
 public:
  virtual ~RateTimer() = default;
  [[nodiscard]] virtual core::SteadyTime now() const = 0;
  // Waits until `deadline` (at once when it has passed); false as soon as `stop` is
  // requested. Called from several threads at once.
  virtual bool sleep_until(core::SteadyTime deadline, std::stop_token stop) = 0;
};

// The steady clock and a real wait that wakes on a stop request.
RateTimer& real_rate_timer();

// Starts requests at most `per_second` a second, evenly spaced (1/per_second apart),
// across every thread that shares it. Evenly spaced rather than bursty: a bucket
// deeper than one token would let twice the rate through in the second after a
// pause. A start is granted a time slot under a lock and waited for outside it.
class RateLimiter {
 public:
  // `per_second` > 0. `timer` must outlive the limiter.
  RateLimiter(double per_second, RateTimer& timer);

  // Waits for the next slot (through RateTimer::sleep_until, also when it is due
  // already); false when `stop` was requested first.
  bool acquire(std::stop_token stop);

 private:
  RateTimer& m_timer;
  std::chrono::nanoseconds m_interval;
  std::mutex m_mutex;
  std::optional<core::SteadyTime> m_next;  // guarded by m_mutex
};

struct PerUserLimits {
  int concurrency = 4;  // calls in flight at most
  double max_requests_per_second = 10;
};

// The source settings `concurrency` (1..64, default 4) and `max_requests_per_second`
// (more than 0, at most 1000, default 10), as the schema declares them
// (per_user_settings(), checked by config::load_config).
std::vector<config::SettingSpec> per_user_settings();
PerUserLimits per_user_limits(const config::SourceConfig& config);

// What a call is told.
struct PerUserCall {
  std::size_t index;   // which user, 0..count-1
  std::size_t worker;  // 0..concurrency-1; no two calls with the same worker run at once
  // Requested when the run's stop is, or when another call failed the whole run.
  std::stop_token stop;
};

struct PerUserFailure {
  std::size_t index;
  core::Error error;
};

struct PerUserReport {
  std::vector<PerUserFailure> failures;  // per-user failures, by index
  // Set when the run ended early: the first call's error that dooms every user
  // (see dooms_the_run), or ErrorKind::cancelled when the run's stop was requested.
  // Calls still in flight were cancelled; failures then lists only what was seen.
  std::optional<core::Error> stopped_by;
  std::size_t calls = 0;  // calls made
};

// Errors that every other call would meet the same way: rejected credentials, a
// stop request, a host that cannot be reached or trusted (after the HTTP layer's
// retries), a bug. Anything else (a timeout, an HTTP or vendor error, a body that
// does not parse, an unknown user) concerns one user.
[[nodiscard]] bool dooms_the_run(core::ErrorKind kind) noexcept;

using PerUserFunction = std::function<core::Status(const PerUserCall& call)>;

// Calls `call` once for each index in [0, count), in index order of starting, with
// at most `concurrency` in flight (threads started here and joined before
// returning) and starts paced by `limiter` (a call's retries inside the HTTP
// layer are not paced: they are few and back off). Dispatching stops when `stop` is
// requested or a call returns an error for which dooms_the_run() holds. An
// exception thrown by `call` is caught and ends the run as ErrorKind::internal.
PerUserReport run_per_user(std::size_t count, int concurrency, RateLimiter& limiter, std::stop_token stop,
                           const PerUserFunction& call);

}  // namespace rosterd::sources
