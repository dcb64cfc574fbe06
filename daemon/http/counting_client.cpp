#include "http/counting_client.hpp"

#include <atomic>
#include <cstdint>

namespace rosterd::http {

CountingClient::CountingClient(Client& inner, TransferCounters& counters) : m_inner(inner), m_counters(counters) {}

core::Result<Response> CountingClient::send(const Request& request, std::stop_token stop) {
  std::atomic_ref<std::int64_t>(m_counters.requests).fetch_add(1, std::memory_order_relaxed);
  auto result = m_inner.send(request, stop);
  if (result) {
    std::atomic_ref<std::int64_t>(m_counters.bytes)
        .fetch_add(static_cast<std::int64_t>(result->body.size()), std::memory_order_relaxed);
  }
  return result;
}

TransferCounters CountingClient::snapshot() const {
  return TransferCounters{std::atomic_ref<std::int64_t>(m_counters.requests).load(std::memory_order_relaxed),
                          std::atomic_ref<std::int64_t>(m_counters.bytes).load(std::memory_order_relaxed)};
}

}  // namespace rosterd::http
