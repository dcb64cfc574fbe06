#include "sim/tenant_state.hpp"

#include <algorithm>

#include "sim/generator.hpp"

namespace rosterd::sim::detail {

TenantState::TenantState(TenantOptions tenant_options, const VendorModule& tenant_vendor,
                         const std::atomic<int>* simulator_port)
    : options(std::move(tenant_options)),
      vendor(tenant_vendor),
      port(simulator_port),
      latency_ms(options.latency.count()),
      seed_campaigns(generate_campaigns(options.seed)),
      users(vendor, options),
      portfolios(generate_portfolios(options.seed)),
      profiles(generate_profiles(options.seed)),
      campaigns(seed_campaigns) {
  users.populate(options.users);
}

std::int64_t TenantState::now() const {
  std::int64_t real = 0;
  if (options.clock_follows_real_time) {
    real = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - created).count();
  }
  return k_clock_epoch + clock_offset + real;
}

std::int64_t TenantState::default_page_size() const {
  return options.default_page_size > 0 ? options.default_page_size : vendor.default_page_size;
}

std::int64_t TenantState::capped_page_size(std::int64_t requested) const {
  return options.max_page_size > 0 ? std::min<std::int64_t>(requested, options.max_page_size) : requested;
}

std::optional<Fault> TenantState::take_fault(Endpoint endpoint, int page) {
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    if (it->endpoint != Endpoint::any && it->endpoint != endpoint) continue;
    if (it->page != 0 && it->page != page) continue;
    Fault fault = *it;
    if (it->times > 0 && --it->times == 0) faults.erase(it);
    ++stats.faults_injected;
    return fault;
  }
  return std::nullopt;
}

void TenantState::count_request(Endpoint endpoint) {
  ++stats.by_endpoint[std::string(endpoint_name(endpoint))];
}

void TenantState::changed() {
  m_cache.clear();
  m_cache_bytes = 0;
}

void TenantState::apply_shift(const Fault& fault, bool newest_first) {
  if (fault.kind == FaultKind::shift_insert) {
    users.add_generated();
    changed();
  } else if (fault.kind == FaultKind::shift_remove && !users.listed().empty()) {
    const auto position = newest_first ? users.listed().back() : users.listed().front();
    users.set_removed(users.entry(position).id, true);
    changed();
  }
}

void TenantState::remember(const std::string& key, const std::shared_ptr<const std::string>& body) {
  if (body->size() > options.cache_limit_bytes) return;
  if (m_cache_bytes + body->size() > options.cache_limit_bytes) changed();  // simplest eviction: start over
  m_cache_bytes += body->size();
  m_cache.emplace(key, body);
}

void TenantState::add_token(std::string token) {
  tokens[std::move(token)] = IssuedToken{now() + options.token_ttl.count(), false};
  ++tokens_issued;
}

bool TenantState::token_valid(std::string_view token) const {
  if (token.empty()) return false;
  if (token == options.token) return true;
  const auto it = tokens.find(std::string(token));
  return it != tokens.end() && !it->second.revoked && now() < it->second.expires_at;
}

void TenantState::revoke_tokens() {
  for (auto& [value, token] : tokens) token.revoked = true;
}

}  // namespace rosterd::sim::detail
