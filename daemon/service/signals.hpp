#pragma once
// Turns SIGINT/SIGTERM (and SIGHUP, for those who ask) into events a thread can
// wait for, with no work in a signal handler: the signals are blocked in every
// thread and collected by sigwait() in a thread of our own.
//
// Construct it before any other thread starts (threads inherit the blocked mask).

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace rosterd::service {

class SignalWatcher {
 public:
  // on_reload runs (on the watcher's thread) for each SIGHUP; pass {} to leave
  // SIGHUP alone.
  explicit SignalWatcher(std::function<void()> on_reload = {});
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Requested on the first SIGINT or SIGTERM.
  [[nodiscard]] std::stop_token stop_token() const { return m_stop.get_token(); }
  [[nodiscard]] int stop_signal() const { return m_stop_signal.load(); }

 private:
  void watch();

  sigset_t m_signals{};
  sigset_t m_previous_mask{};
  std::function<void()> m_on_reload;
  std::stop_source m_stop;
  std::atomic<int> m_stop_signal{0};
  std::thread m_thread;
};

}  // namespace rosterd::service
