#include "metrics/families.hpp"

#include <algorithm>
#include <array>

namespace rosterd::metrics::families {

// Run durations range from a fraction of a second (a poll of live agent state) to an
// hour (a first sync of a million users).
const Family runs{"rosterd_runs_total", "Runs finished by this process, by outcome (ok, partial, failed, refused, interrupted).",
                  Type::counter, {"source", "dataset", "status"}};
const Family run_duration{"rosterd_run_duration_seconds", "How long runs of this process took, from start to end.",
                          Type::histogram, {"source", "dataset"},
                          {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}};
const Family records_fetched{"rosterd_records_fetched_total", "Records fetched from the vendor by runs of this process.",
                             Type::counter, {"source", "dataset"}};
const Family changes{"rosterd_changes_total",
                     "Changes written by runs of this process, by dataset (the entity: users, portfolios, ...) and "
                     "kind.",
                     Type::counter, {"source", "dataset", "kind"}};
const Family guard_refusals{"rosterd_removal_guard_refusals_total",
                            "Runs of this process the mass-removal guard refused (max_remove_ratio).",
                            Type::counter, {"source", "dataset"}};
const Family http_requests{"rosterd_http_requests_total",
                           "HTTP requests (every attempt) sent to the vendor, by status class, or error when no "
                           "response came.",
                           Type::counter, {"source", "status"}};
const Family http_retries{"rosterd_http_retries_total", "HTTP requests sent again after a retryable failure.",
                          Type::counter, {"source"}};
const Family http_bytes{"rosterd_http_response_bytes_total", "Bytes of response bodies received from the vendor.",
                        Type::counter, {"source"}};
const Family retention_deleted{"rosterd_retention_deleted_rows_total",
                               "Rows deleted by the retention setting, by table.", Type::counter, {"table"}};

const Family last_run{"rosterd_last_run_timestamp_seconds",
                      "When the latest finished run ended (Unix time), whichever process ran it.", Type::gauge,
                      {"source", "dataset"}};
const Family last_success{"rosterd_last_success_timestamp_seconds",
                          "When the latest run with status ok ended (Unix time), whichever process ran it.",
                          Type::gauge, {"source", "dataset"}};
const Family last_status{"rosterd_last_run_status",
                         "1 for the status of the latest finished run, 0 for the others.", Type::gauge,
                         {"source", "dataset", "status"}};
const Family users{"rosterd_users",
                   "Users in the database: listed (present at the vendor), removed, and active (listed and active).",
                   Type::gauge, {"source", "state"}};
const Family database_size{"rosterd_database_size_bytes",
                           "Size of the database: the SQLite file with its WAL, or the PostgreSQL database.",
                           Type::gauge, {}};
const Family interval{"rosterd_source_interval_seconds", "How often the dataset of the source is configured to run.",
                      Type::gauge, {"source", "dataset"}};
const Family build_info{"rosterd_build_info", "The running rosterd's version (value 1).", Type::gauge, {"version"}};

const Family process_cpu{"process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                         Type::counter, {}};
const Family process_resident_memory{"process_resident_memory_bytes", "Resident memory size in bytes.", Type::gauge,
                                     {}};
const Family process_virtual_memory{"process_virtual_memory_bytes", "Virtual memory size in bytes.", Type::gauge, {}};
const Family process_start_time{"process_start_time_seconds",
                                "Start time of the process since unix epoch in seconds.", Type::gauge, {}};
const Family process_open_fds{"process_open_fds", "Number of open file descriptors.", Type::gauge, {}};
const Family process_max_fds{"process_max_fds", "Maximum number of open file descriptors.", Type::gauge, {}};

std::span<const Family* const> all() {
  static const auto sorted = [] {
    std::array<const Family*, 22> list{&runs,
                                       &run_duration,
                                       &records_fetched,
                                       &changes,
                                       &guard_refusals,
                                       &http_requests,
                                       &http_retries,
                                       &http_bytes,
                                       &retention_deleted,
                                       &last_run,
                                       &last_success,
                                       &last_status,
                                       &users,
                                       &database_size,
                                       &interval,
                                       &build_info,
                                       &process_cpu,
                                       &process_resident_memory,
                                       &process_virtual_memory,
                                       &process_start_time,
                                       &process_open_fds,
                                       &process_max_fds};
    std::sort(list.begin(), list.end(), [](const Family* a, const Family* b) { return a->name < b->name; });
    return list;
  }();
  return {sorted.data(), sorted.size()};
}

}  // namespace rosterd::metrics::families
