#include "service/scheduler.hpp"

#include <gtest/gtest.h>

namespace rosterd::service {
namespace {

using namespace std::chrono;
using model::Dataset;

// A fake steady clock: tests say what time it is.
const core::SteadyTime t0{};

Scheduler fixed(double unit) {
  return Scheduler([unit] { return unit; });
}

TEST(Scheduler, EveryJobRunsFirstAtStartUp) {
  auto s = fixed(0.5);
  s.upsert({"a", Dataset::users}, minutes{15}, t0);
  s.upsert({"b", Dataset::users}, minutes{5}, t0);
  const auto ready = s.take_ready(t0, 10);
  EXPECT_EQ(ready.size(), 2u);
}

TEST(Scheduler, JitterStaysWithinTenPercentOfTheInterval) {
  EXPECT_EQ(Scheduler::jittered(seconds{100}, 0.0), seconds{90});
  EXPECT_EQ(Scheduler::jittered(seconds{100}, 0.5), seconds{100});
  EXPECT_EQ(Scheduler::jittered(seconds{100}, 0.999999), milliseconds{109999});
  for (double u = 0.0; u < 1.0; u += 0.01) {
    const auto j = Scheduler::jittered(minutes{15}, u);
    EXPECT_GE(j, milliseconds{810'000});
    EXPECT_LT(j, milliseconds{990'000});
  }
}

TEST(Scheduler, ASuccessIsDueOneJitteredIntervalAfterItsStart) {
  for (double unit : {0.0, 0.5, 0.99}) {
    auto s = fixed(unit);
    const JobKey key{"a", Dataset::users};
    s.upsert(key, seconds{60}, t0);
    ASSERT_EQ(s.take_ready(t0, 1).size(), 1u);
    s.finished(key, true, t0, t0 + seconds{2});
    EXPECT_EQ(s.jobs().at(key).due, t0 + Scheduler::jittered(seconds{60}, unit));
    EXPECT_TRUE(s.take_ready(t0 + seconds{53}, 1).empty()) << "never before 90% of the interval";
    EXPECT_EQ(s.take_ready(t0 + seconds{66}, 1).size(), 1u) << "always by 110%";
  }
}

TEST(Scheduler, ARunLongerThanItsIntervalIsFollowedAtOnce) {
  auto s = fixed(0.5);
  const JobKey key{"a", Dataset::users};
  s.upsert(key, seconds{10}, t0);
  (void)s.take_ready(t0, 1);
  s.finished(key, true, t0, t0 + seconds{25});
  EXPECT_EQ(s.jobs().at(key).due, t0 + seconds{25});
}

TEST(Scheduler, FailuresBackOffExponentiallyCappedAtTheInterval) {
  EXPECT_EQ(Scheduler::backoff(minutes{15}, 1), seconds{10});
  EXPECT_EQ(Scheduler::backoff(minutes{15}, 2), seconds{20});
  EXPECT_EQ(Scheduler::backoff(minutes{15}, 3), seconds{40});
  EXPECT_EQ(Scheduler::backoff(minutes{15}, 7), seconds{640});
  EXPECT_EQ(Scheduler::backoff(minutes{15}, 8), minutes{15});
  EXPECT_EQ(Scheduler::backoff(minutes{15}, 1000), minutes{15});
  EXPECT_EQ(Scheduler::backoff(seconds{1}, 1), seconds{1});

  auto s = fixed(0.5);
  const JobKey key{"a", Dataset::users};
  s.upsert(key, minutes{15}, t0);
  auto now = t0;
  for (int failure = 1; failure <= 9; ++failure) {
    ASSERT_EQ(s.take_ready(now, 1).size(), 1u) << failure;
    s.finished(key, false, now, now);
    EXPECT_EQ(s.jobs().at(key).failures, failure);
    EXPECT_EQ(s.jobs().at(key).due, now + Scheduler::backoff(minutes{15}, failure));
    now = s.jobs().at(key).due;
  }
  (void)s.take_ready(now, 1);
  s.finished(key, true, now, now);
  EXPECT_EQ(s.jobs().at(key).failures, 0) << "a success resets the backoff";
  EXPECT_EQ(s.jobs().at(key).due, now + minutes{15});
}

TEST(Scheduler, TwoRunsOfOneSourceNeverOverlap) {
  auto s = fixed(0.5);
  s.upsert({"a", Dataset::users}, seconds{10}, t0);
  s.upsert({"a", Dataset::portfolios}, seconds{10}, t0);
  s.upsert({"b", Dataset::users}, seconds{10}, t0);
  const auto first = s.take_ready(t0, 10);
  ASSERT_EQ(first.size(), 2u) << "one of a's datasets and b";
  EXPECT_EQ(first[0].source == "a" ? first[1].source : first[0].source, "b");
  EXPECT_TRUE(s.take_ready(t0 + seconds{1}, 10).empty()) << "a's other dataset waits while a runs";
  EXPECT_EQ(s.next_due(), std::nullopt) << "nothing to wake up for until a run ends";
  const JobKey a_first = first[0].source == "a" ? first[0] : first[1];
  s.finished(a_first, true, t0, t0 + seconds{2});
  const auto second = s.take_ready(t0 + seconds{2}, 10);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].source, "a");
  EXPECT_NE(second[0].dataset, a_first.dataset);
}

TEST(Scheduler, TheLimitBoundsHowManyStart) {
  auto s = fixed(0.5);
  for (const char* name : {"a", "b", "c", "d"}) s.upsert({name, Dataset::users}, seconds{10}, t0);
  EXPECT_EQ(s.take_ready(t0, 3).size(), 3u);
  EXPECT_EQ(s.take_ready(t0, 3).size(), 1u);
}

TEST(Scheduler, ANewShorterIntervalBringsTheNextRunForward) {
  auto s = fixed(0.5);
  const JobKey key{"a", Dataset::users};
  s.upsert(key, hours{1}, t0);
  (void)s.take_ready(t0, 1);
  s.finished(key, true, t0, t0);
  EXPECT_EQ(s.jobs().at(key).due, t0 + hours{1});
  s.upsert(key, minutes{1}, t0 + seconds{10});
  EXPECT_EQ(s.jobs().at(key).due, t0 + seconds{70});
  EXPECT_EQ(s.jobs().at(key).interval, minutes{1});
}

TEST(Scheduler, AJobRemovedWhileRunningIsForgottenWhenItEnds) {
  auto s = fixed(0.5);
  const JobKey key{"a", Dataset::users};
  s.upsert(key, seconds{10}, t0);
  (void)s.take_ready(t0, 1);
  s.remove(key);
  s.finished(key, true, t0, t0);
  EXPECT_TRUE(s.jobs().empty());
  EXPECT_FALSE(s.source_running("a"));
}

}  // namespace
}  // namespace rosterd::service
