#include "http/retrying_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "core/duration.hpp"
#include "core/log.hpp"

namespace rosterd::http {
namespace {

RandomBits default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return (*engine)(); };
}

// The error's message without the "<label>: " every Client error starts with.
std::string_view without_label(std::string_view message, std::string_view label) {
  if (message.size() > label.size() + 2 && message.substr(0, label.size()) == label &&
      message.substr(label.size(), 2) == ": ") {
    message.remove_prefix(label.size() + 2);
  }
  return message;
}

}  // namespace

bool is_retryable_status(long status) noexcept {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

bool is_retryable_error(core::ErrorKind kind) noexcept {
  return kind == core::ErrorKind::connection || kind == core::ErrorKind::timeout;
}

RetryingClient::RetryingClient(Client& inner, RetryPolicy policy, Sleeper& sleeper, RandomBits random)
    : m_inner(inner),
      m_policy(std::move(policy)),
      m_prefix(m_policy.source.empty() ? std::string() : m_policy.source + ": "),
      m_sleeper(sleeper),
      m_random(random ? std::move(random) : default_random()) {}

std::chrono::milliseconds RetryingClient::backoff_ceiling(const RetryPolicy& policy, int retry_index) {
  const auto cap = std::max(policy.max_delay, std::chrono::milliseconds::zero());
  auto ceiling = std::max(policy.base_delay, std::chrono::milliseconds::zero());
  for (int i = 0; i < retry_index && ceiling < cap; ++i) ceiling *= 2;  // stops long before overflow
  return std::min(ceiling, cap);
}

std::chrono::milliseconds RetryingClient::jittered_delay(int retry_index) {
  const auto ceiling = static_cast<std::uint64_t>(backoff_ceiling(m_policy, retry_index).count());
  std::uint64_t bits = 0;
  {
    std::lock_guard lock(m_random_mutex);
    bits = m_random();
  }
  return std::chrono::milliseconds{static_cast<std::int64_t>(bits % (ceiling + 1))};
}

core::Result<Response> RetryingClient::send(const Request& request, std::stop_token stop) {
  const std::string label = label_of(request);
  const int attempts = 1 + std::max(0, m_policy.retries);
  for (int attempt = 1;; ++attempt) {
    auto result = m_inner.send(request, stop);
    std::string reason;
    std::chrono::seconds retry_after{0};
    if (result) {
      if (!is_retryable_status(result->status)) return result;
      reason = fmt::format("HTTP {}", result->status);
      retry_after = result->retry_after;
    } else {
      if (!is_retryable_error(result.error().kind)) return result;
      reason = std::string(without_label(result.error().message, label));
    }
    if (attempt >= attempts) {
      if (result || attempts == 1) return result;
      core::Error last = std::move(result).error();
      last.message += fmt::format(" (after {} attempts)", attempts);
      return last;
    }
    if (retry_after > m_policy.max_retry_after) {
      return core::Error{core::ErrorKind::http,
                         fmt::format("{}: {}: the vendor asked to wait {} s before retrying, more than the {} s "
                                     "allowed; giving up",
                                     label, reason, retry_after.count(), m_policy.max_retry_after.count())};
    }
    const std::chrono::milliseconds delay = retry_after > std::chrono::seconds::zero()
                                                ? std::chrono::milliseconds{retry_after}
                                                : jittered_delay(attempt - 1);
    core::log().warn("{}{}: {}; retrying in {} (attempt {} of {})", m_prefix, label, reason,
                     core::format_duration(delay), attempt + 1, attempts);
    if (!m_sleeper.sleep_for(delay, stop)) {
      return core::Error{core::ErrorKind::cancelled, label + ": cancelled while waiting to retry"};
    }
    if (m_retries != nullptr) std::atomic_ref<std::int64_t>(*m_retries).fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace rosterd::http
