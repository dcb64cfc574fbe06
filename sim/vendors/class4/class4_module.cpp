// Class4's row: its routes, its users' fields and its credentials.

#include <fmt/format.h>

#include <array>

#include "sim/generator.hpp"
#include "sim/vendors/class4/class4.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::array<VendorRoute, 2> k_class4_routes = {{
    {"POST", "/v1/auth", handle_class4_auth},
    {"GET", "/v1/user/list", handle_class4_list},
}};

void fill_class4_user(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  const auto roll = draw(options, index, k_salt_role, 100);
  user.group = index == 0 ? "admin" : roll < 60 ? "client" : roll < 80 ? "agent" : roll < 90 ? "admin" : "viewer";
  user.role = user.group == "client"  ? "Client"
              : user.group == "agent" ? "Agent"
              : user.group == "admin" ? "Admin"
                                      : "Viewer";
}

void fill_class4_credentials(TenantOptions& options) {
  if (options.user.empty()) options.user = "admin";
  if (options.password.empty()) options.password = default_secret(options, 6, 14);
  if (options.token.empty()) options.token = default_secret(options, 7, 40);
}

std::string class4_credentials_yaml(const TenantOptions& options) {
  return fmt::format("    user: {}\n    password: \"{}\"\n", options.user, options.password);
}

// The login payload's secrets: its cdr_api_token (id 0) and its user's passwd (id 1).
void class4_tenant_secrets(const TenantOptions& options, std::vector<std::string>& out) {
  SimUser admin;
  for (const std::int64_t id : {0, 1}) {
    admin.id = id;
    class4_user_secrets(options, admin, out);
  }
}

}  // namespace

VendorModule class4_module() {
  return {
      .name = "class4",
      .routes = k_class4_routes,
      .first_user_id = 1700,
      .default_page_size = 30,  // the documented example's
      .fill_user = fill_class4_user,
      .fill_credentials = fill_class4_credentials,
      .credentials_yaml = class4_credentials_yaml,
      .tenant_secrets = class4_tenant_secrets,
      .user_secrets = class4_user_secrets,
      .prerender = prerender_class4,
  };
}

}  // namespace rosterd::sim::detail
