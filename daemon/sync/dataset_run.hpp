#pragma once
// A dataset's part of a run. The run skeleton (Runner, runner.cpp) is the same for
// every dataset: begin, fetch, plan, guard, one write transaction, finish. What a
// dataset fetches, how it compares that with the stored state and what it writes
// is a DatasetRun, made for each run by the dataset's row in the dataset table
// (datasets/table.hpp).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "model/dataset.hpp"
#include "sources/source.hpp"
#include "store/database.hpp"
#include "store/runs.hpp"
#include "sync/change_report.hpp"
#include "sync/plan.hpp"
#include "sync/source_handle.hpp"

namespace rosterd::sync {

// What a dataset's run is made from.
struct DatasetInputs {
  const SourceHandle& handle;
  model::Dataset dataset;
  // The calling thread's connection: the stored state that fetching and planning read.
  store::Database& reader;
  // Where a listing spools the records it has to resolve after the fetch.
  std::string spool_directory;
  // The run's start on its clock (sync_runs.started_at).
  std::string started_at;
};

// What planning found.
struct PlanResult {
  std::int64_t fetched = 0;
  std::int64_t unchanged = 0;  // known before writing (a listing finds more while it writes)
  // A complete listing: what the mass-removal guard weighs. Other datasets remove
  // nothing that a listing lists, and have none.
  std::optional<ListingSummary> listing;
  store::RunStatus status = store::RunStatus::ok;  // partial: some of the per-user calls failed
  std::optional<std::string> error;                // why partial (or failed), redacted
};

class DatasetRun {
 public:
  virtual ~DatasetRun() = default;

  // Fetches from the vendor. An error ends the run before it writes anything.
  virtual core::Status fetch(sources::RunContext& context) = 0;
  // Records fetched so far, for progress lines (called from the fetching threads).
  [[nodiscard]] virtual std::int64_t fetched() const = 0;
  // Compares what was fetched with the stored state.
  virtual PlanResult plan() = 0;
  // Writes the changes in the run's transaction on `db` (the write connection),
  // reporting each. An error rolls the transaction back and fails the run.
  virtual core::Status write(store::Database& db, const store::ChangeStamp& stamp, ChangeReport& report) = 0;
  // A dry run: reports each change, writes nothing.
  virtual core::Status preview(ChangeReport& report) = 0;
};

using DatasetRunFactory = std::unique_ptr<DatasetRun> (*)(const DatasetInputs& inputs);

}  // namespace rosterd::sync
