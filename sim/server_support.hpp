#pragma once
// Pieces of the HTTP server shared by the simulator and its control API.

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "sim/reply.hpp"

namespace rosterd::sim::detail {

// Set once when the simulator stops; every wait in a handler ends on it.
class StopSignal {
 public:
  // True when stopped (before or during the wait).
  bool wait_for(std::chrono::milliseconds duration) {
    std::unique_lock lock(m_mutex);
    return m_condition.wait_for(lock, duration, [this] { return m_stopped; });
  }
  void wait() {
    std::unique_lock lock(m_mutex);
    m_condition.wait(lock, [this] { return m_stopped; });
  }
  void trigger() {
    {
      std::lock_guard lock(m_mutex);
      m_stopped = true;
    }
    m_condition.notify_all();
  }
  [[nodiscard]] bool stopped() {
    std::lock_guard lock(m_mutex);
    return m_stopped;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_condition;
  bool m_stopped = false;
};

// Hands `reply` to httplib: waits out stalls, then sends the body whole or cut as its
// Delivery says. Returns the body bytes it hands over.
std::size_t deliver(const Reply& reply, httplib::Response& response, StopSignal& stop);

}  // namespace rosterd::sim::detail
