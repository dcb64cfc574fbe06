#pragma once
// The daemon keeps a thread, a socket and a read connection (two descriptors) per
// run in progress, and runs of every source may wait on their vendors at once:
// more descriptors than the customary soft limit of 1,024. libcurl waits with
// poll(), not select(), so descriptors above 1,024 are fine.

#include <sys/resource.h>

#include <optional>

namespace rosterd::service {

struct OpenFileLimit {
  rlim_t before = 0;
  rlim_t now = 0;
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit. nullopt when the limits
// cannot be read or the raise was refused (the soft limit then stays).
std::optional<OpenFileLimit> raise_open_file_limit() noexcept;

}  // namespace rosterd::service
