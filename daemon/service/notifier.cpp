#include "service/notifier.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace rosterd::service {

void SystemdNotifier::notify(std::string_view state) {
  const std::string text(state);
  sd_notify(0, text.c_str());
}

std::optional<core::Millis> SystemdNotifier::watchdog_interval() const {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::duration_cast<core::Millis>(std::chrono::microseconds{usec});
}

}  // namespace rosterd::service
