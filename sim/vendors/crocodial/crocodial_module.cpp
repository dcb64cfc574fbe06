// CrocoDial's row: its route, its users' fields and its credentials.

#include <fmt/format.h>

#include <array>

#include "sim/generator.hpp"
#include "sim/vendors/crocodial/crocodial.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::uint64_t k_salt_portfolios = 0x106;

constexpr std::array<VendorRoute, 2> k_crocodial_routes = {{
    {"GET", "/goAPIv2/goUsers/goAPI\\.php", handle_crocodial},
    {"POST", "/goAPIv2/goUsers/goAPI\\.php", handle_crocodial},
}};

void fill_crocodial_user(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  const auto roll = draw(options, index, k_salt_role, 100);
  const auto group_roll = draw(options, index, k_salt_group, 100);
  user.extension = std::to_string(user.id);  // the doc example's exten equals user_id
  // Built as strings, not assigned from char pointers: GCC 12 -O2 reports a false
  // -Wrestrict for the latter.
  user.role = std::string(index == 0 ? "9" : roll < 5 ? "8" : roll < 15 ? "7" : "1");
  user.group = std::string(user.role == "9"   ? "ADMIN"
                           : user.role != "1" ? "SUPERVISORS"
                           : group_roll < 10  ? "QA"
                                              : "AGENTS");
  const auto portfolio_mask = draw(options, index, k_salt_portfolios, 64);
  for (std::size_t i = 0; i < k_portfolio_codes.size(); ++i) {
    if ((portfolio_mask >> i) & 1U) user.portfolios.emplace_back(k_portfolio_codes[i]);
  }
}

void fill_crocodial_credentials(TenantOptions& options) {
  if (options.user.empty()) options.user = "apiuser";
  if (options.password.empty()) options.password = default_secret(options, 1, 14);
}

std::string crocodial_credentials_yaml(const TenantOptions& options) {
  return fmt::format("    user: {}\n    password: \"{}\"\n", options.user, options.password);
}

// Upstream action files accept the API user's pass_hash as goPass.
void crocodial_tenant_secrets(const TenantOptions& options, std::vector<std::string>& out) {
  out.push_back(crocodial_api_pass_hash(options));
}

}  // namespace

VendorModule crocodial_module() {
  return {
      .name = "crocodial",
      .routes = k_crocodial_routes,
      .config_path = "/goAPIv2/goUsers/goAPI.php",
      .first_user_id = 2000,
      .fill_user = fill_crocodial_user,
      .fill_credentials = fill_crocodial_credentials,
      .credentials_yaml = crocodial_credentials_yaml,
      .tenant_secrets = crocodial_tenant_secrets,
      .user_secrets = crocodial_user_secrets,
  };
}

}  // namespace rosterd::sim::detail
