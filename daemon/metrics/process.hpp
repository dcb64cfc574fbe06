#pragma once
// The process metrics every Prometheus client library exports (process_cpu_seconds_total,
// process_resident_memory_bytes, ...), read from /proc/self as they do.

#include "metrics/registry.hpp"

namespace rosterd::metrics {

// Sets the process families in `registry`; a value /proc does not give is left out.
void collect_process(Registry& registry);

}  // namespace rosterd::metrics
