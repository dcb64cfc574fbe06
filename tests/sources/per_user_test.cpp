#include "sources/per_user.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>

#include "source_test_support.hpp"

namespace rosterd::sources {
namespace {

using namespace std::chrono_literals;
using sources::testing::RecordingRateTimer;
using sources::testing::source_config;

// Blocks callers until `count` of them are waiting (or the wait gives up).
class Gate {
 public:
  explicit Gate(int count) : m_count(count) {}
  // False when fewer than `count` arrived within the (generous) limit.
  bool arrive_and_wait() {
    std::unique_lock lock(m_mutex);
    if (++m_arrived >= m_count) m_changed.notify_all();
    return m_changed.wait_for(lock, 20s, [&] { return m_arrived >= m_count; });
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_count;
  int m_arrived = 0;
};

core::Error error_of(core::ErrorKind kind) {
  return core::Error{kind, std::string(core::to_string(kind))};
}

TEST(RateLimiter, SpacesStartsEvenlyAndSavesNoBurstForLater) {
  RecordingRateTimer timer;
  RateLimiter limiter(10, timer);
  const auto start = timer.now();
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(limiter.acquire({}));
  auto slots = timer.slots();
  ASSERT_EQ(slots.size(), 25u);
  for (std::size_t i = 0; i < slots.size(); ++i) EXPECT_EQ(slots[i], start + i * 100ms) << i;

  timer.advance(60s);  // idle: the next start is due at once, the one after it 100 ms later
  const auto resumed = timer.now();
  ASSERT_TRUE(limiter.acquire({}));
  ASSERT_TRUE(limiter.acquire({}));
  slots = timer.slots();
  EXPECT_EQ(slots[25], resumed);
  EXPECT_EQ(slots[26], resumed + 100ms);
}

TEST(RateLimiter, RefusesOnceStopIsRequested) {
  RecordingRateTimer timer;
  RateLimiter limiter(5, timer);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(limiter.acquire(stop.get_token()));
}

TEST(RunPerUser, CallsEveryUserOnceAndHoldsTheRateCapAcrossWorkers) {
  RecordingRateTimer timer;
  RateLimiter limiter(10, timer);
  std::mutex mutex;
  std::multiset<std::size_t> called;
  const auto report = run_per_user(57, 8, limiter, {}, [&](const PerUserCall& call) {
    std::lock_guard lock(mutex);
    called.insert(call.index);
    return core::Status();
  });
  EXPECT_EQ(report.calls, 57u);
  EXPECT_TRUE(report.failures.empty());
  EXPECT_FALSE(report.stopped_by);
  std::multiset<std::size_t> expected;
  for (std::size_t i = 0; i < 57; ++i) expected.insert(i);
  EXPECT_EQ(called, expected);

  const auto slots = timer.slots();
  ASSERT_EQ(slots.size(), 57u);
  // At most 10 starts in any one-second window: the 11th after any start is a second later or more.
  for (std::size_t i = 0; i + 10 < slots.size(); ++i) EXPECT_GE(slots[i + 10] - slots[i], 1s) << i;
}

TEST(RunPerUser, NeverHasMoreThanTheBoundInFlightAndNeverSharesAWorker) {
  RecordingRateTimer timer;
  RateLimiter limiter(1000, timer);
  constexpr int k_concurrency = 4;
  Gate all_busy(k_concurrency);
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  std::vector<std::atomic<int>> per_worker(k_concurrency);
  std::atomic<bool> overlap{false};
  const auto report = run_per_user(40, k_concurrency, limiter, {}, [&](const PerUserCall& call) {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    if (++per_worker.at(call.worker) != 1) overlap = true;
    // The first calls wait for one another, so the bound is actually reached.
    if (call.index < k_concurrency) {
      EXPECT_TRUE(all_busy.arrive_and_wait()) << "workers did not run at once";
    }
    --per_worker.at(call.worker);
    --in_flight;
    return core::Status();
  });
  EXPECT_EQ(report.calls, 40u);
  EXPECT_EQ(most.load(), k_concurrency);
  EXPECT_FALSE(overlap.load());
}

TEST(RunPerUser, KeepsFailuresPerUser) {
  RecordingRateTimer timer;
  RateLimiter limiter(1000, timer);
  const auto report = run_per_user(10, 3, limiter, {}, [](const PerUserCall& call) -> core::Status {
    if (call.index == 7) return error_of(core::ErrorKind::not_found);
    if (call.index == 3) return error_of(core::ErrorKind::timeout);
    if (call.index == 5) return error_of(core::ErrorKind::parse);
    return {};
  });
  EXPECT_EQ(report.calls, 10u);
  EXPECT_FALSE(report.stopped_by);
  ASSERT_EQ(report.failures.size(), 3u);
  EXPECT_EQ(report.failures[0].index, 3u);
  EXPECT_EQ(report.failures[0].error.kind, core::ErrorKind::timeout);
  EXPECT_EQ(report.failures[1].index, 5u);
  EXPECT_EQ(report.failures[2].index, 7u);
  EXPECT_EQ(report.failures[2].error.kind, core::ErrorKind::not_found);
}

TEST(RunPerUser, AnAuthFailureStopsDispatching) {
  RecordingRateTimer timer;
  RateLimiter limiter(1000, timer);
  std::vector<std::size_t> called;
  const auto report = run_per_user(20, 1, limiter, {}, [&](const PerUserCall& call) -> core::Status {
    called.push_back(call.index);
    if (call.index == 5) return core::Error{core::ErrorKind::auth, "rejected"};
    if (call.index == 2) return error_of(core::ErrorKind::vendor);
    return {};
  });
  EXPECT_EQ(called, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(report.calls, 6u);
  ASSERT_TRUE(report.stopped_by);
  EXPECT_EQ(report.stopped_by->kind, core::ErrorKind::auth);
  EXPECT_EQ(report.stopped_by->message, "rejected");
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].index, 2u);
}

TEST(RunPerUser, AnAuthFailureCancelsCallsInFlightAndKeepsItsOwnError) {
  RecordingRateTimer timer;
  RateLimiter limiter(1000, timer);
  std::atomic<int> calls_after_first_two{0};
  const auto report = run_per_user(10, 2, limiter, {}, [&](const PerUserCall& call) -> core::Status {
    if (call.index == 0) {
      std::mutex mutex;
      std::condition_variable_any never;
      std::unique_lock lock(mutex);
      const bool woke = never.wait_for(lock, call.stop, 20s, [] { return false; });
      EXPECT_FALSE(woke);
      EXPECT_TRUE(call.stop.stop_requested()) << "the call in flight was not told to stop";
      return core::Error{core::ErrorKind::cancelled, "interrupted"};
    }
    if (call.index == 1) return core::Error{core::ErrorKind::auth, "rejected"};
    ++calls_after_first_two;
    return {};
  });
  ASSERT_TRUE(report.stopped_by);
  EXPECT_EQ(report.stopped_by->kind, core::ErrorKind::auth);
  EXPECT_EQ(calls_after_first_two.load(), 0);
  EXPECT_TRUE(report.failures.empty());
}

TEST(RunPerUser, TheRunsStopTokenStopsIt) {
  RecordingRateTimer timer;
  RateLimiter limiter(1000, timer);
  std::stop_source stop;
  std::vector<std::size_t> called;
  const auto report = run_per_user(20, 1, limiter, stop.get_token(), [&](const PerUserCall& call) {
    called.push_back(call.index);
    if (call.index == 3) stop.request_stop();
    return core::Status();
  });
  EXPECT_EQ(called.size(), 4u);
  ASSERT_TRUE(report.stopped_by);
  EXPECT_EQ(report.stopped_by->kind, core::ErrorKind::cancelled);

  std::stop_source stopped;
  stopped.request_stop();
  int calls = 0;
  const auto none = run_per_user(5, 2, limiter, stopped.get_token(), [&](const PerUserCall&) {
    ++calls;
    return core::Status();
  });
  EXPECT_EQ(calls, 0);
  ASSERT_TRUE(none.stopped_by);
  EXPECT_EQ(none.stopped_by->kind, core::ErrorKind::cancelled);
}

TEST(RunPerUser, AnExceptionEndsTheRunAsAnInternalError) {
  RecordingRateTimer timer;
  RateLimiter limiter(1000, timer);
  const auto report = run_per_user(5, 1, limiter, {}, [](const PerUserCall& call) -> core::Status {
    if (call.index == 1) throw std::runtime_error("boom");
    return {};
  });
  ASSERT_TRUE(report.stopped_by);
  EXPECT_EQ(report.stopped_by->kind, core::ErrorKind::internal);
  EXPECT_EQ(report.stopped_by->message, "per-user call failed: boom");
  EXPECT_EQ(report.calls, 2u);
}

TEST(RunPerUser, NoUsersNoCalls) {
  RecordingRateTimer timer;
  RateLimiter limiter(1, timer);
  const auto report = run_per_user(0, 4, limiter, {}, [](const PerUserCall&) -> core::Status {
    ADD_FAILURE() << "called";
    return {};
  });
  EXPECT_EQ(report.calls, 0u);
  EXPECT_FALSE(report.stopped_by);
  EXPECT_TRUE(timer.slots().empty());
}

TEST(RunPerUser, OnlyHostWideErrorsDoomTheRun) {
  for (auto kind : {core::ErrorKind::auth, core::ErrorKind::cancelled, core::ErrorKind::connection,
                    core::ErrorKind::tls, core::ErrorKind::redirect, core::ErrorKind::internal}) {
    EXPECT_TRUE(dooms_the_run(kind)) << core::to_string(kind);
  }
  for (auto kind : {core::ErrorKind::timeout, core::ErrorKind::http, core::ErrorKind::vendor,
                    core::ErrorKind::not_found, core::ErrorKind::parse, core::ErrorKind::too_large}) {
    EXPECT_FALSE(dooms_the_run(kind)) << core::to_string(kind);
  }
}

TEST(PerUserLimits, ReadsTheSettings) {
  const auto defaults = per_user_limits(source_config("crocodial", "https://x", {}));
  EXPECT_EQ(defaults.concurrency, 4);
  EXPECT_EQ(defaults.max_requests_per_second, 10.0);
  const auto set = per_user_limits(
      source_config("crocodial", "https://x", {{"concurrency", "64"}, {"max_requests_per_second", "0.5"}}));
  EXPECT_EQ(set.concurrency, 64);
  EXPECT_EQ(set.max_requests_per_second, 0.5);
  // Their ranges are the schema's, checked by the loader (tests/sources/registry_test.cpp).
}

}  // namespace
}  // namespace rosterd::sources
