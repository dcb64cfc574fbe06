#include "store/status.hpp"

#include <cerrno>
#include <csignal>

namespace rosterd::store {

bool process_alive(std::int64_t pid) {
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace rosterd::store
