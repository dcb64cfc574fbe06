#include "service/run_slots.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace rosterd::service {

RunSlots::RunSlots(std::size_t capacity) : m_capacity(std::max<std::size_t>(capacity, 1)) {}

void RunSlots::set_capacity(std::size_t capacity) {
  std::lock_guard lock(m_mutex);
  m_capacity = std::max<std::size_t>(capacity, 1);
  grant();
}

bool RunSlots::acquire(Turn turn, const std::stop_token& stop) {
  std::unique_lock lock(m_mutex);
  if (stop.stop_requested()) return false;
  // Nobody waiting ahead of this turn and a slot free: take it at once.
  const bool ahead = !m_resuming.empty() || (turn == Turn::start && !m_starting.empty());
  if (!ahead && m_held < m_capacity) {
    ++m_held;
    return true;
  }
  Waiter waiter;
  auto& queue = turn == Turn::resume ? m_resuming : m_starting;
  queue.push_back(&waiter);
  if (waiter.granted_signal.wait(lock, stop, [&] { return waiter.granted; })) return true;
  queue.erase(std::find(queue.begin(), queue.end(), &waiter));
  return false;
}

void RunSlots::release() {
  std::lock_guard lock(m_mutex);
  if (m_held > 0) --m_held;
  grant();
}

void RunSlots::grant() {
  while (m_held < m_capacity && (!m_resuming.empty() || !m_starting.empty())) {
    auto& queue = m_resuming.empty() ? m_starting : m_resuming;
    Waiter* next = queue.front();
    queue.pop_front();
    ++m_held;
    next->granted = true;
    // Under the lock: once it sees `granted`, the waiter returns and its signal is gone.
    next->granted_signal.notify_one();
  }
}

RunSlots::Usage RunSlots::usage() const {
  std::lock_guard lock(m_mutex);
  return {m_capacity, m_held, m_resuming.size() + m_starting.size()};
}

SlotLease::SlotLease(RunSlots& slots, std::stop_token stop) : m_slots(slots), m_stop(std::move(stop)) {}

SlotLease::~SlotLease() {
  if (m_held) m_slots.release();
}

bool SlotLease::start() {
  std::lock_guard lock(m_mutex);
  if (!m_held) m_held = m_slots.acquire(RunSlots::Turn::start, m_stop);
  return m_held;
}

void SlotLease::on_yield(std::function<void()> callback) {
  std::lock_guard lock(m_mutex);
  m_on_yield = std::move(callback);
}

void SlotLease::wait_begins() noexcept {
  std::lock_guard lock(m_mutex);
  if (m_continuing > 0) {
    --m_continuing;  // a retry of a wait that never ended
    return;
  }
  if (m_waits++ > 0 || !m_held) return;
  m_slots.release();
  m_held = false;
  if (m_on_yield) m_on_yield();
}

void SlotLease::wait_ends(http::AfterWait after) noexcept {
  std::lock_guard lock(m_mutex);
  if (after == http::AfterWait::may_retry) {
    ++m_continuing;
    return;
  }
  if (m_waits == m_continuing) {
    core::log().error("internal: a wait ended that never began");
    return;
  }
  // Waits left open for a retry that never came (the retry decorator gave up) end
  // with the last real one: a per-user call that failed for good must not keep its
  // run from planning and writing with a slot.
  if (--m_waits > m_continuing) return;
  m_waits = m_continuing = 0;
  // Work again, once a slot is free. Another thread of this run that begins a wait
  // meanwhile waits for the lock; in practice none does: a per-user fetch's threads
  // have ended before its own wait ends (YieldingSource).
  m_held = m_slots.acquire(RunSlots::Turn::resume, m_stop);
}

bool SlotLease::holds_slot() const {
  std::lock_guard lock(m_mutex);
  return m_held;
}

}  // namespace rosterd::service
