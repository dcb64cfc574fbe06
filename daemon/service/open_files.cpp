#include "service/open_files.hpp"

namespace rosterd::service {

std::optional<OpenFileLimit> raise_open_file_limit() noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
  OpenFileLimit result{limit.rlim_cur, limit.rlim_cur};
  if (limit.rlim_cur == limit.rlim_max) return result;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
  result.now = limit.rlim_cur;
  return result;
}

}  // namespace rosterd::service
