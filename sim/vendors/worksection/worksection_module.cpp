// Worksection's row: its route, its users' fields and its API key.

#include <fmt/format.h>

#include <array>

#include "sim/generator.hpp"
#include "sim/vendors/worksection/worksection.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::array<std::string_view, 6> k_roles = {"account admin", "team admin", "department admin",
                                                     "guest",         "reader",     "user"};
constexpr std::array<std::string_view, 5> k_teams = {"Sales", "Support", "Development", "Marketing", "Finance"};

constexpr std::array<VendorRoute, 2> k_worksection_routes = {{
    {"GET", "/api/admin/v2/?", handle_worksection},
    {"POST", "/api/admin/v2/?", handle_worksection},
}};

void fill_worksection_user(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  const auto roll = draw(options, index, k_salt_role, 100);
  const auto group_roll = draw(options, index, k_salt_group, 100);
  user.role = index == 0 ? "owner" : std::string(k_roles[roll % k_roles.size()]);
  if (roll >= 40) user.role = "user";
  if (group_roll >= 10) user.group = k_teams[group_roll % k_teams.size()];
  if (index % 8 == 5) user.email = fmt::format("{0}@{0}.worksection.com", user.id);  // placeholder address
  user.username = user.email;
}

void fill_worksection_credentials(TenantOptions& options) {
  if (options.api_key.empty()) options.api_key = lower_ascii(default_secret(options, 2, 32));
}

std::string worksection_credentials_yaml(const TenantOptions& options) {
  return fmt::format("    api_key: \"{}\"\n", options.api_key);
}

// The get_users signature: what every listing request carries.
void worksection_tenant_secrets(const TenantOptions& options, std::vector<std::string>& out) {
  out.push_back(worksection_hash("action=get_users", options.api_key));
}

}  // namespace

VendorModule worksection_module() {
  return {
      .name = "worksection",
      .routes = k_worksection_routes,
      .first_user_id = 3900,
      .has_active_flag = false,  // listed as is
      .fill_user = fill_worksection_user,
      .fill_credentials = fill_worksection_credentials,
      .credentials_yaml = worksection_credentials_yaml,
      .tenant_secrets = worksection_tenant_secrets,
  };
}

}  // namespace rosterd::sim::detail
