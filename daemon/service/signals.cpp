#include "service/signals.hpp"

#include <pthread.h>

namespace rosterd::service {
namespace {

// Sent to our own thread to end sigwait() at destruction.
constexpr int k_wake_signal = SIGUSR2;

}  // namespace

SignalWatcher::SignalWatcher(std::function<void()> on_reload) : m_on_reload(std::move(on_reload)) {
  sigemptyset(&m_signals);
  sigaddset(&m_signals, SIGINT);
  sigaddset(&m_signals, SIGTERM);
  sigaddset(&m_signals, k_wake_signal);
  if (m_on_reload) sigaddset(&m_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &m_signals, &m_previous_mask);
  m_thread = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  pthread_kill(m_thread.native_handle(), k_wake_signal);
  m_thread.join();
  pthread_sigmask(SIG_SETMASK, &m_previous_mask, nullptr);
}

void SignalWatcher::watch() {
  while (true) {
    int signal = 0;
    if (sigwait(&m_signals, &signal) != 0) continue;
    if (signal == k_wake_signal) return;
    if (signal == SIGHUP) {
      if (m_on_reload) m_on_reload();
      continue;
    }
    int expected = 0;
    m_stop_signal.compare_exchange_strong(expected, signal);
    m_stop.request_stop();
  }
}

}  // namespace rosterd::service
