#pragma once
// One run of one dataset of one source: take the source's run lock, fetch the
// complete listing, plan the changes against the stored state, apply the
// mass-removal guard, and write everything in one transaction together with the
// run's final status. Any failure before the commit leaves every table but
// sync_runs untouched.
//
// One run has one clock: its start is never earlier than the latest time the
// database recorded, its changes and its end never earlier than its start, so a
// wall clock that steps back never reorders history (README, "Time").

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/counting_client.hpp"
#include "http/http_client.hpp"
#include "http/retrying_client.hpp"
#include "model/dataset.hpp"
#include "model/user_parts.hpp"
#include "sources/source.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "store/writer.hpp"
#include "sync/run_progress.hpp"

namespace rosterd::sync {

// What a run does when another run of its source holds the source's run lock (in
// another process, or another thread of this one).
enum class LockWait {
  wait,          // wait for it (rosterd sync), saying so once
  skip_if_busy,  // do not run; RunOutcome::deferred (rosterd run tries again soon)
};

struct RunOptions {
  bool dry_run = false;  // plan and print, write nothing (not even sync_runs); takes no lock
  bool force = false;    // apply a run the mass-removal guard would refuse
  LockWait lock_wait = LockWait::wait;
};

struct RunOutcome {
  std::int64_t run_id = 0;  // 0 for a dry run, or a run that could not record its start
  store::RunStatus status = store::RunStatus::failed;
  store::RunCounts counts;
  std::optional<std::string> error;  // redacted
  core::Millis elapsed{0};
  std::string started_at;  // the run's clock (sync_runs.started_at)
  // Not run: another process holds the source's run lock (LockWait::skip_if_busy).
  bool deferred = false;
  // The run could not record its start (the database refused the write): its failure
  // is recorded as soon as the database takes writes again.
  bool start_unrecorded = false;
};

// A configured source, its transport (the libcurl client, shared across runs for
// keep-alive) and its retry policy. Each run wraps the transport as
// retrying -> counting -> transport, so that every attempt is counted.
struct SourceHandle {
  sources::Source& source;
  http::Client& transport;
  http::RetryPolicy retry;
  const config::SourceConfig& config;
  // The user columns a per-user dataset (getUserInfo) owns rather than the listing.
  model::InfoColumns info_columns = model::InfoColumns::none();
  // The source type's reader version (sources/registry.hpp).
  int reader_version = 1;
};

// What one run sends its requests through: progress -> retrying -> counting -> the
// source's transport, with the run's stop token.
struct RunTransport {
  RunTransport(const SourceHandle& handle, std::stop_token stop, const core::Clock& clock)
      : counting(handle.transport, counters),
        retrying(counting, handle.retry),
        progress(retrying, clock),
        context{progress, std::move(stop)} {}
  RunTransport(const RunTransport&) = delete;
  RunTransport& operator=(const RunTransport&) = delete;

  // Requests and bytes so far, into the run's counts.
  void count_into(store::RunCounts& counts) const {
    counts.requests = counters.requests;
    counts.bytes = counters.bytes;
  }

  http::TransferCounters counters;
  http::CountingClient counting;
  http::RetryingClient retrying;
  ProgressClient progress;
  sources::RunContext context;
};

using LineSink = std::function<void(const std::string&)>;

// Plans on `reader` (a connection of the calling thread) and writes through
// `writer`, so that runs of different sources can proceed on several threads.
// The two may share one Database when a single thread runs everything.
class Runner {
 public:
  Runner(store::Database& reader, store::Writer& writer, const core::Clock& clock = core::system_clock());

  // Where a dry run prints its change lines (all of them); stdout by default.
  void set_dry_run_output(LineSink sink) { m_dry_run_output = std::move(sink); }

  RunOutcome run(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                 std::stop_token stop = {});

 private:
  RunOutcome run_dataset(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                         std::stop_token stop);
  template <class Record>
  RunOutcome run_listing(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                         std::stop_token stop);
  // Per-user datasets (per_user_runs.cpp).
  RunOutcome run_user_stats(const SourceHandle& handle, const RunOptions& options, std::stop_token stop);
  RunOutcome run_agent_status(const SourceHandle& handle, const RunOptions& options, std::stop_token stop);

  // Starts the run's clock and inserts its sync_runs row ('running'); a dry run writes
  // none (run_id 0). Throws on a database failure.
  void begin_run(RunOutcome& outcome, const std::string& source, model::Dataset dataset, const RunOptions& options);
  // The time a run's changes are stamped with, on the write connection inside its
  // transaction: now, but never before the run's start or the latest recorded time.
  std::string commit_time(store::Database& db, const RunOutcome& outcome);
  // Logs how far a run got and records it in its sync_runs row (skipped, not waited
  // for, while the writer is busy).
  void report_progress(const std::string& source, model::Dataset dataset, const RunOutcome& outcome,
                       const store::RunCounts& counts, core::Millis elapsed);
  void log_line(const std::string& line, bool dry_run);
  void report_changes(const std::string& source, const std::vector<std::string>& first_lines, std::int64_t total,
                      std::int64_t filled);
  // The end of a per-user run: its failures warned about, its summary line.
  void report_per_user(RunOutcome& outcome, const std::string& source, model::Dataset dataset,
                       std::optional<std::string> error, core::SteadyTime started, bool dry_run);
  void finish_failed(RunOutcome& outcome, const SourceHandle& handle, model::Dataset dataset, store::RunStatus status,
                     const std::string& error);

  store::Database& m_reader;
  store::Writer& m_writer;
  const core::Clock& m_clock;
  LineSink m_dry_run_output;
};

}  // namespace rosterd::sync
