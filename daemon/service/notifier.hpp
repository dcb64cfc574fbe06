#pragma once
// The systemd notification protocol (sd_notify): READY=1, STATUS=, WATCHDOG=1,
// RELOADING=1, STOPPING=1. Without $NOTIFY_SOCKET every call does nothing, so the
// daemon runs the same under systemd, in a terminal and in tests (which listen on
// a NOTIFY_SOCKET of their own).

#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace rosterd::service {

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void notify(std::string_view state) = 0;
  // The watchdog period systemd asked for (WatchdogSec=), if any.
  [[nodiscard]] virtual std::optional<core::Millis> watchdog_interval() const = 0;
};

class SystemdNotifier final : public Notifier {
 public:
  void notify(std::string_view state) override;
  [[nodiscard]] std::optional<core::Millis> watchdog_interval() const override;
};

}  // namespace rosterd::service
