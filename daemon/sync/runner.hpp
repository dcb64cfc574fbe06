#pragma once
// One run of one dataset of one source (SPEC 3): fetch the complete listing,
// plan the changes against the stored state, apply the mass-removal guard, and
// write everything in one transaction together with the run's final status.
// Any failure before the commit leaves every table but sync_runs untouched.

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

namespace rosterd::sync {

struct RunOptions {
  bool dry_run = false;  // plan and print, write nothing (not even sync_runs)
  bool force = false;    // apply a run the mass-removal guard would refuse
};

struct RunOutcome {
  std::int64_t run_id = 0;  // 0 for a dry run
  store::RunStatus status = store::RunStatus::failed;
  store::RunCounts counts;
  std::optional<std::string> error;  // redacted
  core::Millis elapsed{0};
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
};

// What one run sends its requests through: retrying -> counting -> the source's
// transport, with the run's stop token.
struct RunTransport {
  RunTransport(const SourceHandle& handle, std::stop_token stop)
      : counting(handle.transport, counters), retrying(counting, handle.retry), context{retrying, std::move(stop)} {}
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
  template <class Record>
  RunOutcome run_listing(const SourceHandle& handle, model::Dataset dataset, const RunOptions& options,
                         std::stop_token stop);
  // Per-user datasets (per_user_runs.cpp).
  RunOutcome run_user_stats(const SourceHandle& handle, const RunOptions& options, std::stop_token stop);
  RunOutcome run_agent_status(const SourceHandle& handle, const RunOptions& options, std::stop_token stop);

  // The sync_runs row of a run starting at `started_at` (0 for a dry run, which writes none).
  std::int64_t begin_run(const std::string& source, model::Dataset dataset, const std::string& started_at,
                         const RunOptions& options);
  std::string run_timestamp(store::Database& db);
  void log_line(const std::string& line, bool dry_run);
  void report_changes(const std::vector<std::string>& first_lines, std::int64_t total);
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
