// SCIM's row: its route, its users' fields and its static bearer token.

#include <fmt/format.h>

#include <array>

#include "sim/generator.hpp"
#include "sim/vendors/scim/scim.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::array<VendorRoute, 1> k_scim_routes = {{
    {"GET", "/scim/v2/Users", handle_scim_users},
}};

// title from role, department from group; either is empty for some users, and then
// absent from the Resource.
void fill_scim_user(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  const auto role = draw(options, index, k_salt_role, 100);
  user.role = role < 8    ? ""
              : role < 45 ? "Sales Representative"
              : role < 70 ? "Support Engineer"
              : role < 85 ? "Account Manager"
              : role < 95 ? "Team Lead"
                          : "Director";
  const auto group = draw(options, index, k_salt_group, 100);
  user.group = group < 10   ? ""
               : group < 40 ? "Sales"
               : group < 65 ? "Customer Support"
               : group < 80 ? "Engineering"
               : group < 90 ? "Finance"
                            : "Operations";
  if (!user.phone.empty()) user.phone = std::string("+1").append(digits(derive(options.seed, index, k_salt_phone), 10));
  user.username = user.email;  // identity providers' userName is the sign-in address
}

void fill_scim_credentials(TenantOptions& options) {
  if (options.token.empty()) options.token = default_secret(options, 8, 48);
}

// A rest-type source takes its credentials under `parameters:`.
std::string scim_credentials_yaml(const TenantOptions& options) {
  return fmt::format("    parameters:\n      token: \"{}\"\n", options.token);
}

}  // namespace

VendorModule scim_module() {
  return {
      .name = "scim",
      .routes = k_scim_routes,
      .config_path = "/scim/v2",
      .default_page_size = static_cast<int>(k_scim_max_count),
      .fill_user = fill_scim_user,
      .fill_credentials = fill_scim_credentials,
      .credentials_yaml = scim_credentials_yaml,
      .prerender = prerender_scim,
  };
}

}  // namespace rosterd::sim::detail
