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
  const auto kind = result ? status_class(result->status) : 0;
  std::atomic_ref<std::int64_t>(m_counters.by_class[kind]).fetch_add(1, std::memory_order_relaxed);
  return result;
}

TransferCounters CountingClient::snapshot() const {
  const auto load = [](std::int64_t& value) {
    return std::atomic_ref<std::int64_t>(value).load(std::memory_order_relaxed);
  };
  TransferCounters out{load(m_counters.requests), load(m_counters.bytes), load(m_counters.retries), {}};
  for (std::size_t i = 0; i < out.by_class.size(); ++i) out.by_class[i] = load(m_counters.by_class[i]);
  return out;
}

}  // namespace rosterd::http
