#pragma once
// What a Tenant holds, shared by its public methods and the request handlers. One
// mutex guards it; handlers hold it while they decide and render an answer, never
// while they wait or send.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/simulator.hpp"
#include "sim/user_table.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

// The tenant clock starts here: 2026-03-02T08:00:00Z, a Monday morning.
inline constexpr std::int64_t k_clock_epoch = 1772438400;

struct IssuedToken {
  std::int64_t expires_at = 0;  // tenant clock
  bool revoked = false;
};

struct TenantState {
  TenantState(TenantOptions tenant_options, const VendorModule& tenant_vendor, const std::atomic<int>* simulator_port);

  const TenantOptions options;
  const VendorModule& vendor;
  const std::atomic<int>* const port;
  std::atomic<std::int64_t> latency_ms{0};
  const std::vector<NamedItem> seed_campaigns;  // generated users' campaigns come from these

  mutable std::mutex mutex;  // guards everything below and the methods
  UserTable users;
  std::vector<NamedItem> portfolios, profiles, campaigns;
  std::vector<Fault> faults;
  Stats stats;
  std::int64_t clock_offset = 0;
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  std::map<std::int64_t, std::string> agent_overrides;
  std::unordered_map<std::string, IssuedToken> tokens;  // every login token ever issued
  std::uint64_t tokens_issued = 0;
  std::deque<std::int64_t> login_attempts;  // tenant clock, within the lockout window
  std::int64_t login_failed_count = 0;
  std::uint64_t listing_responses = 0;
  std::uint64_t churn_rounds = 0;  // Tenant::churn calls so far

  // The tenant clock, unix seconds.
  [[nodiscard]] std::int64_t now() const;
  // A listing's page size when the request names none: the tenant's, else the vendor's.
  [[nodiscard]] std::int64_t default_page_size() const;
  // `requested` within the tenant's max_page_size.
  [[nodiscard]] std::int64_t capped_page_size(std::int64_t requested) const;
  // The first fault that matches (its `times` counted down), counted in the stats.
  std::optional<Fault> take_fault(Endpoint endpoint, int page);
  void count_request(Endpoint endpoint);
  // Any change to what is served: drops the rendered pages.
  void changed();
  // shift_insert adds a generated user, shift_remove removes the first user of the
  // listing order (the newest when `newest_first`); other faults are ignored.
  void apply_shift(const Fault& fault, bool newest_first);

  // A cached rendered page, or render(), cached when it fits the limit.
  template <class Render>
  std::shared_ptr<const std::string> page(const std::string& key, Render&& render) {
    if (const auto it = m_cache.find(key); it != m_cache.end()) {
      ++stats.cache_hits;
      return it->second;
    }
    ++stats.renders;
    auto body = std::make_shared<const std::string>(render());
    remember(key, body);
    return body;
  }

  [[nodiscard]] std::size_t cached_pages() const { return m_cache.size(); }

  void add_token(std::string token);
  [[nodiscard]] bool token_valid(std::string_view token) const;  // static or issued, unexpired
  void revoke_tokens();

 private:
  void remember(const std::string& key, const std::shared_ptr<const std::string>& body);

  std::unordered_map<std::string, std::shared_ptr<const std::string>> m_cache;
  std::size_t m_cache_bytes = 0;
};

}  // namespace rosterd::sim::detail
