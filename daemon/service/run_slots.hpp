#pragma once
// What `concurrency` bounds: the runs that work (parse, plan, write) at once, not
// the runs in progress. A run holds one of `concurrency` slots while it works and
// gives it back while it waits on its vendor (a transfer, a retry's back-off, a
// per-user fetch), so that any number of hanging vendors holds back no other
// source: a waiting run costs a thread, its sockets and a read connection with its
// cache released, and no slot.
//
// Slots go to waiting runs in turn: runs coming back from a wait first, then runs
// that have not started, each first come, first served. Finishing work in progress
// first keeps the vendor answers held in memory few.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>

#include "http/yielding_client.hpp"

namespace rosterd::service {

class RunSlots {
 public:
  enum class Turn { start, resume };

  explicit RunSlots(std::size_t capacity);
  RunSlots(const RunSlots&) = delete;
  RunSlots& operator=(const RunSlots&) = delete;

  // A new capacity (at least 1). Above it, slots held are kept until given back.
  void set_capacity(std::size_t capacity);

  // Waits for a slot; false when `stop` is requested first.
  bool acquire(Turn turn, const std::stop_token& stop);
  // Gives back a slot acquire() granted.
  void release();

  struct Usage {
    std::size_t capacity = 0;
    std::size_t held = 0;
    std::size_t waiting = 0;
  };
  [[nodiscard]] Usage usage() const;

 private:
  struct Waiter {
    std::condition_variable_any granted_signal;
    bool granted = false;
  };
  // Under m_mutex: hands free slots to the waiters in turn.
  void grant();

  mutable std::mutex m_mutex;
  std::size_t m_capacity;
  std::size_t m_held = 0;
  std::deque<Waiter*> m_resuming;  // waiters live on their threads' stacks
  std::deque<Waiter*> m_starting;
};

// One run's claim on a slot. It belongs to the run, not to a thread: a per-user
// fetch waits on several threads at once, and the run gets its slot back once the
// last of its waits has ended. Thread-safe.
class SlotLease final : public http::WaitObserver {
 public:
  // `slots` must outlive the lease; `stop` ends waits for a slot (the run is being
  // cancelled: it then goes on without one, to record how it ended).
  SlotLease(RunSlots& slots, std::stop_token stop);
  ~SlotLease() override;  // gives back a slot still held
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;

  // Takes the run's first slot; false when `stop` was requested first.
  bool start();

  // Called, on the thread that begins the wait, each time the lease gives its slot
  // back for a wait. It must not throw.
  void on_yield(std::function<void()> callback);

  void wait_begins() noexcept override;
  void wait_ends(http::AfterWait after) noexcept override;

  [[nodiscard]] bool holds_slot() const;

 private:
  RunSlots& m_slots;
  std::stop_token m_stop;
  mutable std::mutex m_mutex;
  int m_waits = 0;       // waits in progress
  int m_continuing = 0;  // of those, waits the next wait_begins() continues (a retry)
  bool m_held = false;
  std::function<void()> m_on_yield;
};

}  // namespace rosterd::service
