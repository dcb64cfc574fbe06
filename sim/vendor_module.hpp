#pragma once
// What the simulator knows of a vendor: one row per vendor, the vendor's code in its
// own folder under sim/vendors/. The generic code (server, tenants, generator, control
// API) finds a tenant's row by TenantOptions::vendor and asks it; it knows no vendor
// by name. The rows mirror rosterd's own table of source types
// (daemon/sources/registry.hpp): the simulator serves what rosterd reads.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/reply.hpp"
#include "sim/simulator.hpp"

namespace httplib {
struct Request;
}

namespace rosterd::sim {

namespace detail {
struct TenantState;
}

// One route of a vendor's API. The server prefixes `path` with the tenant's name and
// calls `handler` for tenants of this vendor only; another vendor's tenant gets a 404.
struct VendorRoute {
  std::string_view method;  // "GET" or "POST"
  std::string_view path;    // a regular expression matched against the rest of the path
  // Holds the tenant lock while it authenticates, applies faults and renders.
  detail::Reply (*handler)(detail::TenantState& state, const httplib::Request& request);
};

struct VendorModule {
  std::string_view name;  // TenantOptions::vendor, and rosterd's source `type`
  std::span<const VendorRoute> routes;
  // What rosterd's `url:` adds to the tenant's base URL: "" when the vendor's API is
  // addressed by its root.
  std::string_view config_path{};
  // Generated ids start here plus a jitter from the seed: the range the vendor's
  // examples show.
  std::int64_t first_user_id = 1000;
  // False for a vendor whose users have no active flag: every generated user is active.
  bool has_active_flag = true;
  // The listing's page size when neither the request nor TenantOptions names one; 0
  // for a vendor that lists every user in one page.
  int default_page_size = 0;

  // Sets the vendor's own fields (roles, groups, extensions, ...) of the user the
  // generator drew at `index`; must be deterministic in (options.seed, index, user.id).
  void (*fill_user)(SimUser& user, const TenantOptions& options, std::uint32_t index) = nullptr;
  // Fills the credentials left empty with deterministic defaults.
  void (*fill_credentials)(TenantOptions& options) = nullptr;
  // The credential lines of the tenant's rosterd `sources:` entry (Tenant::source_yaml).
  std::string (*credentials_yaml)(const TenantOptions& options) = nullptr;
  // Secrets the vendor serves or accepts beyond the configured credentials and issued
  // tokens (Tenant::served_secrets): the tenant's, and each user's. Either may be null.
  void (*tenant_secrets)(const TenantOptions& options, std::vector<std::string>& out) = nullptr;
  void (*user_secrets)(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out) = nullptr;
  // Renders every listing page of `page_size` into the page cache under the keys the
  // handlers look up and returns the page count (Tenant::prerender; the caller holds
  // the tenant lock). Null for a vendor that lists in one page.
  std::size_t (*prerender)(detail::TenantState& state, std::int64_t page_size) = nullptr;
};

// The vendors every Simulator serves, in the order their routes are registered.
std::span<const VendorModule> builtin_vendors();

// The row named `name` in `vendors`, or null.
const VendorModule* find_vendor(std::span<const VendorModule> vendors, std::string_view name);

// Names for a message: "a, b and c" with `last_separator` " and ".
std::string join_names(std::span<const std::string_view> names, std::string_view last_separator);

}  // namespace rosterd::sim
