#pragma once
// One run of one dataset of one source, the same skeleton for every dataset: take
// the source's run lock, record the run's start, fetch, plan the changes against
// the stored state, apply the mass-removal guard, and write everything in one
// transaction together with the run's final status. What each phase does for a
// dataset is its DatasetRun (sync/dataset_run.hpp, sync/datasets/table.hpp). Any
// failure before the commit leaves every table but sync_runs untouched.
//
// One run has one clock: its start is never earlier than the latest time the
// database recorded, its changes and its end never earlier than its start, so a
// wall clock that steps back never reorders history (README, "Time").

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/http_client.hpp"
#include "model/dataset.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "store/writer.hpp"
#include "sync/change_report.hpp"
#include "sync/dataset_run.hpp"
#include "sync/datasets/table.hpp"
#include "sync/source_handle.hpp"

namespace rosterd::sync {

// What a run does when another run of its source holds the source's run lock (in
// another process, or another thread of this one).
enum class LockWait {
  wait,          // wait for it (rosterd sync), saying so once
  skip_if_busy,  // do not run; RunOutcome::deferred (rosterd run tries again soon)
  held,          // the caller holds it (rosterd run on a shared database: service/shared_schedule.hpp)
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
  http::TransferCounters transfer;   // the run's HTTP attempts by status class, and its retries
  std::optional<std::string> error;  // redacted
  core::Millis elapsed{0};
  std::string started_at;  // the run's clock (sync_runs.started_at)
  // Not run: another process holds the source's run lock (LockWait::skip_if_busy).
  bool deferred = false;
  // The run could not record its start (the database refused the write): its failure
  // is recorded as soon as the database takes writes again.
  bool start_unrecorded = false;
};

// Plans on `reader` (a connection of the calling thread) and writes through
// `writer`, so that runs of different sources can proceed on several threads.
// The two may share one Database when a single thread runs everything.
class Runner {
 public:
  // `datasets`: the dataset table (sync/datasets/table.hpp); tests add their own rows.
  Runner(store::Database& reader, store::Writer& writer, const core::Clock& clock = core::system_clock(),
         std::span<const DatasetType> datasets = dataset_types());

  // Where a dry run prints its change lines (all of them); stdout by default.
  void set_dry_run_output(LineSink sink) { m_dry_run_output = std::move(sink); }

  RunOutcome run(const SourceHandle& handle, const model::Dataset& dataset, const RunOptions& options,
                 std::stop_token stop = {});

 private:
  RunOutcome run_dataset(const SourceHandle& handle, const model::Dataset& dataset, const RunOptions& options,
                         std::stop_token stop);
  // The phases of run_dataset. Each returns false when it ended the run (recorded).
  bool fetch(DatasetRun& run, RunTransport& transport, RunOutcome& outcome, const SourceHandle& handle,
             const model::Dataset& dataset);
  bool guard(const PlanResult& plan, RunOutcome& outcome, const SourceHandle& handle, const model::Dataset& dataset,
             const RunOptions& options);
  // The run's one write transaction: its changes, then its sync_runs row.
  void commit(DatasetRun& run, const PlanResult& plan, ChangeReport& report, RunOutcome& outcome,
              const std::string& source, const std::function<void()>& take_counters);
  void report_end(const PlanResult& plan, const ChangeReport& report, RunOutcome& outcome, const SourceHandle& handle,
                  const model::Dataset& dataset, bool dry_run);

  // Starts the run's clock and inserts its sync_runs row ('running'); a dry run writes
  // none (run_id 0). Throws on a database failure.
  void begin_run(RunOutcome& outcome, const std::string& source, const model::Dataset& dataset,
                 const RunOptions& options);
  // The time a run's changes are stamped with, on the write connection inside its
  // transaction: now, but never before the run's start or the latest recorded time.
  std::string commit_time(store::Database& db, const RunOutcome& outcome);
  // Logs how far a run got and records it in its sync_runs row (skipped, not waited
  // for, while the writer is busy).
  void report_progress(const std::string& source, const model::Dataset& dataset, const RunOutcome& outcome,
                       const store::RunCounts& counts, core::Millis elapsed);
  void finish_failed(RunOutcome& outcome, const SourceHandle& handle, const model::Dataset& dataset,
                     store::RunStatus status, const std::string& error);

  store::Database& m_reader;
  store::Writer& m_writer;
  const core::Clock& m_clock;
  std::span<const DatasetType> m_datasets;
  LineSink m_dry_run_output;
};

}  // namespace rosterd::sync
