#pragma once
// Every metric rosterd exports (README, "Monitoring"): one table, from which the
// endpoint, the textfile and the documentation's list come. Names follow Prometheus'
// conventions: the `rosterd_` prefix, base units (`_seconds`, `_bytes`), `_total` for
// counters. Labels are source names, datasets, statuses and kinds, never user data.

#include <span>

#include "metrics/registry.hpp"

namespace rosterd::metrics::families {

// Counted by this process, from its own runs (reset when it restarts, as counters are).
extern const Family runs;              // {source, dataset, status}
extern const Family run_duration;      // {source, dataset}
extern const Family records_fetched;   // {source, dataset}
extern const Family changes;           // {source, dataset, kind}
extern const Family guard_refusals;    // {source, dataset}
extern const Family http_requests;     // {source, status}: 1xx..5xx, or error (no response)
extern const Family http_retries;      // {source}
extern const Family http_bytes;        // {source}
extern const Family retention_deleted; // {table}

// Read from the database at each scrape: what every process sharing it did.
extern const Family last_run;          // {source, dataset}
extern const Family last_success;      // {source, dataset}
extern const Family last_status;       // {source, dataset, status}: 1 for the latest run's status
extern const Family users;             // {source, state}: listed, removed, active
extern const Family database_size;
// From the configuration.
extern const Family interval;          // {source, dataset}
extern const Family build_info;        // {version}

// The process's own, with the names every Prometheus client library uses.
extern const Family process_cpu;
extern const Family process_resident_memory;
extern const Family process_virtual_memory;
extern const Family process_start_time;
extern const Family process_open_fds;
extern const Family process_max_fds;

// All of the above, in name order.
std::span<const Family* const> all();

}  // namespace rosterd::metrics::families
