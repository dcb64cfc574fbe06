#pragma once
// Retry decorator (README, "Retries", docs/reliability.md "HTTP"): retries what a second
// attempt can fix and nothing else.
//
// Retried: transport errors of kind connection or timeout, and responses 408, 429
// and 500-599. Not retried: other statuses (the caller reads them), and errors of
// any other kind (tls, too_large, redirect, cancelled, ...).
// Delay before retry n (0-based): Retry-After when the response carries one, else
// full jitter, random in [0, min(max_delay, base_delay * 2^n)]. A Retry-After over
// max_retry_after ends the request at once: waiting that long would stall the run.
// After the last attempt the last Response is returned (the vendor's error body is
// the caller's to read), or the last Error with "(after N attempts)" appended.
// Each retry logs one warning, "<source>: <request label>: <reason>; retrying in ..."
// (every log line about a source starts with its name).

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "http/http_client.hpp"
#include "http/sleeper.hpp"

namespace rosterd::http {

struct RetryPolicy {
  int retries = 4;  // extra attempts after the first
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{30'000};
  std::chrono::seconds max_retry_after{120};
  std::string source;  // the source's name, which starts each retry's log line; empty: no prefix
};

// Uniform random 64-bit values; called under a mutex, so it need not be thread-safe.
using RandomBits = std::function<std::uint64_t()>;

class RetryingClient final : public Client {
 public:
  // `inner` and `sleeper` must outlive this client. An empty `random` uses a
  // std::mt19937_64 seeded from std::random_device.
  explicit RetryingClient(Client& inner, RetryPolicy policy = {}, Sleeper& sleeper = real_sleeper(),
                          RandomBits random = {});

  core::Result<Response> send(const Request& request, std::stop_token stop = {}) override;

  // Counts each retry in `counters.retries` (atomically: per-user calls retry concurrently);
  // `counters` must outlive this client.
  void count_retries_in(TransferCounters& counters) noexcept { m_retries = &counters.retries; }

  // min(max_delay, base_delay * 2^retry_index), without overflow.
  [[nodiscard]] static std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int retry_index);

 private:
  std::chrono::milliseconds jittered_delay(int retry_index);

  Client& m_inner;
  const RetryPolicy m_policy;
  const std::string m_prefix;  // "<source>: ", or empty
  Sleeper& m_sleeper;
  std::mutex m_random_mutex;
  RandomBits m_random;  // guarded by m_random_mutex
  std::int64_t* m_retries = nullptr;
};

bool is_retryable_status(long status) noexcept;
bool is_retryable_error(core::ErrorKind kind) noexcept;

}  // namespace rosterd::http
