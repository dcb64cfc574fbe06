#include "service/run_slots.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rosterd::service {
namespace {

using namespace std::chrono_literals;
using Turn = RunSlots::Turn;

// Polls `condition` until it holds or 10 s pass: waits for another thread to
// reach a state, never a fixed sleep.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Threads that each take a slot, note their name, and give it back when told.
class Takers {
 public:
  explicit Takers(RunSlots& slots) : m_slots(slots) {}
  ~Takers() {
    m_go_on = true;
    for (auto& thread : m_threads) thread.join();
  }

  // Starts a taker and returns once it waits in the queue.
  void add(const std::string& name, Turn turn) {
    const auto waiting = m_slots.usage().waiting;
    m_threads.emplace_back([this, name, turn] {
      if (!m_slots.acquire(turn, {})) return;
      {
        std::lock_guard lock(m_mutex);
        m_order.push_back(name);
      }
      while (!m_go_on) std::this_thread::sleep_for(1ms);
      m_slots.release();
    });
    ASSERT_TRUE(eventually([&] { return m_slots.usage().waiting == waiting + 1; }));
  }
  std::vector<std::string> order() {
    std::lock_guard lock(m_mutex);
    return m_order;
  }
  void go_on() { m_go_on = true; }

 private:
  RunSlots& m_slots;
  std::atomic<bool> m_go_on{false};
  std::mutex m_mutex;
  std::vector<std::string> m_order;
  std::vector<std::thread> m_threads;
};

TEST(RunSlots, GrantsUpToItsCapacityAtOnceAndTheRestInTurn) {
  RunSlots slots(2);
  ASSERT_TRUE(slots.acquire(Turn::start, {}));
  ASSERT_TRUE(slots.acquire(Turn::start, {}));
  Takers takers(slots);
  takers.add("third", Turn::start);
  EXPECT_TRUE(takers.order().empty()) << "no third slot";
  slots.release();
  ASSERT_TRUE(eventually([&] { return takers.order().size() == 1; }));
  EXPECT_EQ(slots.usage().held, 2U);
  slots.release();
  takers.go_on();
}

TEST(RunSlots, RunsComingBackFromAWaitGoFirstThenEachTurnInArrivalOrder) {
  RunSlots slots(1);
  ASSERT_TRUE(slots.acquire(Turn::start, {}));
  Takers takers(slots);
  takers.add("start-1", Turn::start);
  takers.add("resume-1", Turn::resume);
  takers.add("start-2", Turn::start);
  takers.add("resume-2", Turn::resume);
  takers.go_on();  // each gives its slot back at once
  slots.release();
  ASSERT_TRUE(eventually([&] { return takers.order().size() == 4; }));
  EXPECT_EQ(takers.order(), (std::vector<std::string>{"resume-1", "resume-2", "start-1", "start-2"}));
}

TEST(RunSlots, AStopEndsTheWaitWithoutASlot) {
  RunSlots slots(1);
  ASSERT_TRUE(slots.acquire(Turn::start, {}));
  std::stop_source stop;
  std::atomic<int> result{-1};
  std::thread waiter([&] { result = slots.acquire(Turn::resume, stop.get_token()) ? 1 : 0; });
  ASSERT_TRUE(eventually([&] { return slots.usage().waiting == 1; }));
  stop.request_stop();
  waiter.join();
  EXPECT_EQ(result, 0);
  EXPECT_EQ(slots.usage().waiting, 0U);
  EXPECT_EQ(slots.usage().held, 1U);
  EXPECT_FALSE(slots.acquire(Turn::start, stop.get_token())) << "stopped already: no wait, no slot";
  slots.release();
  EXPECT_EQ(slots.usage().held, 0U);
}

TEST(RunSlots, ANewCapacityAppliesToWaitersAndToSlotsGivenBack) {
  RunSlots slots(1);
  ASSERT_TRUE(slots.acquire(Turn::start, {}));
  Takers takers(slots);
  takers.add("a", Turn::start);
  slots.set_capacity(2);
  ASSERT_TRUE(eventually([&] { return takers.order().size() == 1; })) << "granted as soon as there is room";

  slots.set_capacity(1);  // two held, one allowed: the next slot given back is not handed on
  takers.add("b", Turn::start);
  slots.release();
  EXPECT_EQ(slots.usage().held, 1U);
  EXPECT_EQ(slots.usage().waiting, 1U);
  takers.go_on();  // "a" gives its slot back: now "b" gets it
  ASSERT_TRUE(eventually([&] { return takers.order().size() == 2; }));
}

TEST(SlotLease, GivesItsSlotBackWhileWaitingAndTakesOneAfter) {
  RunSlots slots(1);
  SlotLease lease(slots, {});
  ASSERT_TRUE(lease.start());
  EXPECT_TRUE(lease.holds_slot());
  int yields = 0;
  lease.on_yield([&] { ++yields; });

  lease.wait_begins();
  EXPECT_FALSE(lease.holds_slot());
  EXPECT_EQ(yields, 1);
  ASSERT_TRUE(slots.acquire(Turn::start, {})) << "another run works meanwhile";
  slots.release();
  lease.wait_ends(http::AfterWait::working);
  EXPECT_TRUE(lease.holds_slot());
  EXPECT_EQ(slots.usage().held, 1U);
}

TEST(SlotLease, ARetryBackOffHoldsNoSlot) {
  RunSlots slots(1);
  SlotLease lease(slots, {});
  ASSERT_TRUE(lease.start());
  lease.wait_begins();
  lease.wait_ends(http::AfterWait::may_retry);
  EXPECT_FALSE(lease.holds_slot()) << "through the back-off";
  lease.wait_begins();  // the retry
  EXPECT_FALSE(lease.holds_slot());
  lease.wait_ends(http::AfterWait::working);
  EXPECT_TRUE(lease.holds_slot());
}

TEST(SlotLease, ARetryThatNeverCameDoesNotOutliveTheNextWait) {
  RunSlots slots(1);
  SlotLease lease(slots, {});
  ASSERT_TRUE(lease.start());
  lease.wait_begins();  // a per-user fetch
  lease.wait_begins();  // one of its calls: failed for good after the retry decorator gave up
  lease.wait_ends(http::AfterWait::may_retry);
  lease.wait_ends(http::AfterWait::working);  // the fetch is over
  EXPECT_TRUE(lease.holds_slot()) << "the run plans and writes with a slot";
  EXPECT_EQ(slots.usage().held, 1U);
}

TEST(SlotLease, WaitsOnSeveralThreadsGiveTheSlotBackOnce) {
  RunSlots slots(1);
  SlotLease lease(slots, {});
  ASSERT_TRUE(lease.start());
  std::atomic<int> yields{0};
  lease.on_yield([&] { ++yields; });
  lease.wait_begins();
  {
    std::vector<std::jthread> calls;
    for (int t = 0; t < 4; ++t) {
      calls.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) {
          lease.wait_begins();
          lease.wait_ends(i % 3 == 0 ? http::AfterWait::may_retry : http::AfterWait::working);
          if (i % 3 == 0) {
            lease.wait_begins();
            lease.wait_ends(http::AfterWait::working);
          }
        }
      });
    }
  }
  EXPECT_FALSE(lease.holds_slot());
  EXPECT_EQ(slots.usage().held, 0U);
  lease.wait_ends(http::AfterWait::working);
  EXPECT_TRUE(lease.holds_slot());
  EXPECT_EQ(slots.usage().held, 1U);
  EXPECT_EQ(yields, 1);
}

TEST(SlotLease, AStopWhileWaitingForASlotLeavesTheRunWithoutOne) {
  RunSlots slots(1);
  std::stop_source stop;
  SlotLease lease(slots, stop.get_token());
  ASSERT_TRUE(lease.start());
  lease.wait_begins();
  ASSERT_TRUE(slots.acquire(Turn::start, {}));  // someone else works
  std::thread ending([&] { lease.wait_ends(http::AfterWait::working); });
  ASSERT_TRUE(eventually([&] { return slots.usage().waiting == 1; }));
  stop.request_stop();
  ending.join();
  EXPECT_FALSE(lease.holds_slot());
  EXPECT_EQ(slots.usage().held, 1U);
  slots.release();
}

TEST(SlotLease, GivesItsSlotBackAtItsEnd) {
  RunSlots slots(1);
  {
    SlotLease lease(slots, {});
    ASSERT_TRUE(lease.start());
    EXPECT_EQ(slots.usage().held, 1U);
  }
  EXPECT_EQ(slots.usage().held, 0U);
  std::stop_source stopped;
  stopped.request_stop();
  SlotLease late(slots, stopped.get_token());
  EXPECT_FALSE(late.start()) << "a run stopped before it began never takes a slot";
}

}  // namespace
}  // namespace rosterd::service
