#pragma once
// The waiting seam of the retry decorator: tests record the delays instead of
// sleeping them.

#include <chrono>
#include <stop_token>

namespace rosterd::http {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `duration`; returns false as soon as `stop` is requested (true otherwise).
  virtual bool sleep_for(std::chrono::milliseconds duration, std::stop_token stop) = 0;
};

// Really waits, waking at once on a stop request.
class RealSleeper final : public Sleeper {
 public:
  bool sleep_for(std::chrono::milliseconds duration, std::stop_token stop) override;
};

// A process-wide RealSleeper (stateless, safe from any thread).
Sleeper& real_sleeper();

}  // namespace rosterd::http
