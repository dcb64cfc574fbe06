#include "http/sleeper.hpp"

#include <condition_variable>
#include <mutex>

namespace rosterd::http {

bool RealSleeper::sleep_for(std::chrono::milliseconds duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  // Nothing ever notifies: the wait ends by timeout or by the stop request.
  wake.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

Sleeper& real_sleeper() {
  static RealSleeper sleeper;
  return sleeper;
}

}  // namespace rosterd::http
