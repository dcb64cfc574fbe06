#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "sim/simulator.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 19> k_fault_kinds = {
    {{FaultKind::http_status, "http_status"},
     {FaultKind::stall, "stall"},
     {FaultKind::stall_body, "stall_body"},
     {FaultKind::truncate_length, "truncate_length"},
     {FaultKind::truncate_chunked, "truncate_chunked"},
     {FaultKind::truncate_close, "truncate_close"},
     {FaultKind::malformed_json, "malformed_json"},
     {FaultKind::html_page, "html_page"},
     {FaultKind::vendor_error, "vendor_error"},
     {FaultKind::auth_failure, "auth_failure"},
     {FaultKind::expire_token, "expire_token"},
     {FaultKind::stuck_cursor, "stuck_cursor"},
     {FaultKind::shift_insert, "shift_insert"},
     {FaultKind::shift_remove, "shift_remove"},
     {FaultKind::duplicate_ids, "duplicate_ids"},
     {FaultKind::empty_listing, "empty_listing"},
     {FaultKind::oversize, "oversize"},
     {FaultKind::php_warning, "php_warning"},
     {FaultKind::empty_body, "empty_body"}}};

constexpr std::array<std::pair<Endpoint, std::string_view>, 7> k_endpoints = {{{Endpoint::any, "any"},
                                                                               {Endpoint::listing, "listing"},
                                                                               {Endpoint::login, "login"},
                                                                               {Endpoint::user_info, "user_info"},
                                                                               {Endpoint::agent_info, "agent_info"},
                                                                               {Endpoint::portfolios, "portfolios"},
                                                                               {Endpoint::profiles, "profiles"}}};

template <class Table, class Key>
std::string_view name_of(const Table& table, Key key) {
  for (const auto& [value, name] : table) {
    if (value == key) return name;
  }
  return "unknown";
}

template <class Key, class Table>
std::optional<Key> parse_name(const Table& table, std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

TenantOptions prepared(TenantOptions options, const VendorModule& vendor) {
  vendor.fill_credentials(options);
  return options;
}

const VendorModule& builtin_vendor(const std::string& name) {
  const VendorModule* vendor = find_vendor(builtin_vendors(), name);
  if (vendor == nullptr) throw std::invalid_argument("unknown vendor: " + name);
  return *vendor;
}

// The built-in vendors whose listings have pages, for Tenant::prerender's refusal.
std::string vendors_with_pages() {
  std::vector<std::string_view> names;
  for (const auto& vendor : builtin_vendors()) {
    if (vendor.prerender != nullptr) names.push_back(vendor.name);
  }
  return join_names(names, " and ");
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  return name_of(k_fault_kinds, kind);
}
std::optional<FaultKind> parse_fault_kind(std::string_view name) {
  return parse_name<FaultKind>(k_fault_kinds, name);
}
std::string_view endpoint_name(Endpoint endpoint) {
  return name_of(k_endpoints, endpoint);
}
std::optional<Endpoint> parse_endpoint(std::string_view name) {
  return parse_name<Endpoint>(k_endpoints, name);
}

std::string SimUser::full_name() const {
  if (first_name.empty()) return last_name;
  if (last_name.empty()) return first_name;
  return first_name + " " + last_name;
}

Tenant::Tenant(TenantOptions options, const VendorModule& vendor, const std::atomic<int>* port)
    : m_state(std::make_unique<detail::TenantState>(prepared(std::move(options), vendor), vendor, port)) {}

Tenant::Tenant(TenantOptions options, const std::atomic<int>* port)
    : Tenant(options, builtin_vendor(options.vendor), port) {}  // a copy: the lookup reads options

Tenant::~Tenant() = default;

const TenantOptions& Tenant::options() const {
  return m_state->options;
}

const VendorModule& Tenant::vendor() const {
  return m_state->vendor;
}

std::string Tenant::base_url() const {
  return fmt::format("http://127.0.0.1:{}/{}", m_state->port->load(), m_state->options.name);
}

std::string Tenant::config_url() const {
  return base_url() + std::string(m_state->vendor.config_path);
}

std::string Tenant::source_yaml() const {
  const auto& o = m_state->options;
  return fmt::format("  - name: {}\n    type: {}\n    url: {}\n", o.name, m_state->vendor.name, config_url()) +
         m_state->vendor.credentials_yaml(o);
}

std::vector<SimUser> Tenant::users() const {
  std::lock_guard lock(m_state->mutex);
  auto& table = m_state->users;
  std::vector<SimUser> out;
  out.reserve(table.listed().size());
  for (const auto position : table.listed()) out.push_back(table.materialize(table.entry(position)));
  return out;
}

std::optional<SimUser> Tenant::user(std::int64_t id) const {
  std::lock_guard lock(m_state->mutex);
  const auto* entry = m_state->users.find(id);
  if (entry == nullptr) return std::nullopt;
  return m_state->users.materialize(*entry);
}

SimUser Tenant::add_user() {
  std::lock_guard lock(m_state->mutex);
  m_state->changed();
  return m_state->users.add_generated();
}

SimUser Tenant::add_user(SimUser user) {
  std::lock_guard lock(m_state->mutex);
  auto added = m_state->users.add(std::move(user));
  m_state->changed();
  return added;
}

void Tenant::update_user(std::int64_t id, const std::function<void(SimUser&)>& edit) {
  std::lock_guard lock(m_state->mutex);
  m_state->users.update(id, edit);
  m_state->changed();
}

void Tenant::remove_user(std::int64_t id) {
  std::lock_guard lock(m_state->mutex);
  m_state->users.set_removed(id, true);
  m_state->changed();
}

void Tenant::restore_user(std::int64_t id) {
  std::lock_guard lock(m_state->mutex);
  m_state->users.set_removed(id, false);
  m_state->changed();
}

std::vector<NamedItem> Tenant::portfolios() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->portfolios;
}

void Tenant::set_portfolios(std::vector<NamedItem> items) {
  std::lock_guard lock(m_state->mutex);
  m_state->portfolios = std::move(items);
  m_state->changed();
}

std::vector<NamedItem> Tenant::profiles() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->profiles;
}

void Tenant::set_profiles(std::vector<NamedItem> items) {
  std::lock_guard lock(m_state->mutex);
  m_state->profiles = std::move(items);
  m_state->changed();
}

std::vector<NamedItem> Tenant::campaigns() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->campaigns;
}

void Tenant::set_campaigns(std::vector<NamedItem> items) {
  std::lock_guard lock(m_state->mutex);
  m_state->campaigns = std::move(items);
  m_state->changed();
}

void Tenant::set_fault(Fault fault) {
  std::lock_guard lock(m_state->mutex);
  if (fault.times != 0) m_state->faults.push_back(std::move(fault));
}

void Tenant::clear_faults() {
  std::lock_guard lock(m_state->mutex);
  m_state->faults.clear();
}

std::vector<Fault> Tenant::faults() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->faults;
}

void Tenant::set_latency(std::chrono::milliseconds latency) {
  m_state->latency_ms = latency.count();
}

std::int64_t Tenant::now() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->now();
}

void Tenant::advance_clock(std::chrono::seconds by) {
  std::lock_guard lock(m_state->mutex);
  m_state->clock_offset += by.count();
}

void Tenant::expire_tokens() {
  std::lock_guard lock(m_state->mutex);
  m_state->revoke_tokens();
}

void Tenant::set_agent_status(std::int64_t id, std::string status) {
  std::lock_guard lock(m_state->mutex);
  if (m_state->users.find(id) == nullptr) throw std::out_of_range("no user with id " + std::to_string(id));
  m_state->agent_overrides[id] = std::move(status);
}

void Tenant::clear_agent_status(std::int64_t id) {
  std::lock_guard lock(m_state->mutex);
  m_state->agent_overrides.erase(id);
}

std::vector<std::string> Tenant::served_secrets() const {
  std::lock_guard lock(m_state->mutex);
  const auto& options = m_state->options;
  std::vector<std::string> out;
  for (const auto* credential : {&options.password, &options.token, &options.api_key}) {
    if (!credential->empty()) out.push_back(*credential);
  }
  const auto& vendor = m_state->vendor;
  if (vendor.tenant_secrets != nullptr) vendor.tenant_secrets(options, out);
  for (const auto& [token, issued] : m_state->tokens) out.push_back(token);
  if (vendor.user_secrets != nullptr) {
    const auto& table = m_state->users;
    for (std::size_t i = 0; i < table.size(); ++i) {  // removed users too: they were served before
      vendor.user_secrets(options, table.materialize(table.entry(static_cast<std::uint32_t>(i))), out);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t Tenant::prerender(int page_size) {
  if (page_size < 1) throw std::invalid_argument("page_size must be at least 1");
  std::lock_guard lock(m_state->mutex);
  m_state->changed();  // start from an empty cache, so that a page that did not fit shows
  if (m_state->vendor.prerender == nullptr)
    throw std::invalid_argument("prerender: only " + vendors_with_pages() + " listings have pages");
  const std::size_t pages = m_state->vendor.prerender(*m_state, page_size);
  if (m_state->cached_pages() != pages) {
    m_state->changed();
    throw std::invalid_argument(fmt::format("prerender: {} pages do not fit cache_limit_bytes ({})", pages,
                                            m_state->options.cache_limit_bytes));
  }
  return pages;
}

std::size_t Tenant::churn(std::size_t count) {
  std::lock_guard lock(m_state->mutex);
  auto& table = m_state->users;
  std::vector<std::int64_t> ids;
  const auto& listed = table.listed();
  count = std::min(count, listed.size());
  if (count == 0) return 0;
  const std::size_t stride = listed.size() / count;
  const std::uint64_t round = ++m_state->churn_rounds;
  for (std::size_t i = 0; i < count; ++i) ids.push_back(table.entry(listed[i * stride + round % stride]).id);
  const std::string last_name = fmt::format("Churned{}", round);
  for (const auto id : ids) table.update(id, [&](SimUser& user) { user.last_name = last_name; });
  m_state->changed();
  return count;
}

Stats Tenant::stats() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->stats;
}

}  // namespace rosterd::sim
