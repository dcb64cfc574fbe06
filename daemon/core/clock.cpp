#include "core/clock.hpp"

namespace rosterd::core {

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace rosterd::core
