#pragma once
// Counts requests and response bytes for one run (sync_runs.requests/bytes).
// Placed inside the retry decorator (RetryingClient -> CountingClient -> CurlClient),
// it counts every attempt, which is what the vendor saw.

#include <stop_token>

#include "http/http_client.hpp"

namespace rosterd::http {

class CountingClient final : public Client {
 public:
  // `inner` and `counters` must outlive this client. Per-user calls run
  // concurrently, so the counters are updated atomically (std::atomic_ref); read
  // them with snapshot() while requests may be in flight, or directly after.
  CountingClient(Client& inner, TransferCounters& counters);

  // Every call counts as one request; a Response adds its body's size (decoded
  // bytes), an Error adds nothing.
  core::Result<Response> send(const Request& request, std::stop_token stop = {}) override;

  [[nodiscard]] TransferCounters snapshot() const;

 private:
  Client& m_inner;
  TransferCounters& m_counters;
};

}  // namespace rosterd::http
