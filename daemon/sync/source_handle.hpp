#pragma once
// A configured source as a run sees it: the vendor object, its transport and retry
// policy, its configuration; and the chain of HTTP decorators one run sends through.

#include <stop_token>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/counting_client.hpp"
#include "http/http_client.hpp"
#include "http/retrying_client.hpp"
#include "model/user_parts.hpp"
#include "sources/source.hpp"
#include "store/runs.hpp"
#include "sync/run_progress.hpp"

namespace rosterd::sync {

// A configured source, its transport (built by the composition root, shared across
// runs for keep-alive) and its retry policy. Each run wraps the transport as
// retrying -> counting -> transport, so that every attempt is counted.
struct SourceHandle {
  sources::Source& source;
  http::Client& transport;
  http::RetryPolicy retry;
  const config::SourceConfig& config;
  // The user columns a per-user dataset (user_stats) owns rather than the listing.
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
        context{progress, std::move(stop)} {
    retrying.count_retries_in(counters);
  }
  RunTransport(const RunTransport&) = delete;
  RunTransport& operator=(const RunTransport&) = delete;

  // Requests and bytes so far, into the run's counts; everything counted, for the metrics.
  void count_into(store::RunCounts& counts, http::TransferCounters* everything = nullptr) const {
    const auto now = counting.snapshot();
    counts.requests = now.requests;
    counts.bytes = now.bytes;
    if (everything != nullptr) *everything = now;
  }

  http::TransferCounters counters;
  http::CountingClient counting;
  http::RetryingClient retrying;
  ProgressClient progress;
  sources::RunContext context;
};

}  // namespace rosterd::sync
