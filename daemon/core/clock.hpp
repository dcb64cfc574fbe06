#pragma once
// The clock seam: wall time for timestamps stored in the database, a monotonic
// time for scheduling and backoff. Tests substitute a fake.

#include <chrono>

namespace rosterd::core {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual SystemTime now() const = 0;
  [[nodiscard]] virtual SteadyTime steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] SystemTime now() const override { return std::chrono::system_clock::now(); }
  [[nodiscard]] SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
};

// The process-wide real clock.
const Clock& system_clock();

}  // namespace rosterd::core
