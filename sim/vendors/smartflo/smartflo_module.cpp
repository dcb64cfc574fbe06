// Smartflo's row: its routes, its users' fields and its credentials.

#include <fmt/format.h>

#include <array>

#include "sim/generator.hpp"
#include "sim/vendors/smartflo/smartflo.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::uint64_t k_salt_extension = 0x109;

constexpr std::array<VendorRoute, 2> k_smartflo_routes = {{
    {"POST", "/v1/auth/login", handle_smartflo_login},
    {"GET", "/v1/users", handle_smartflo_users},
}};

void fill_smartflo_user(SimUser& user, const TenantOptions& options, std::uint32_t index) {
  const auto roll = draw(options, index, k_salt_role, 100);
  user.role = roll < 70 ? "Agent" : roll < 85 ? "Supervisor" : roll < 95 ? "Quality" : "Admin";
  if (draw(options, index, k_salt_extension, 100) >= 20) user.extension = std::to_string(1001 + index);
  if (!user.phone.empty())
    user.phone = std::string("+91").append(digits(derive(options.seed, index, k_salt_phone), 10));
  user.username = user.email;
}

void fill_smartflo_credentials(TenantOptions& options) {
  if (options.user.empty()) options.user = fmt::format("api@{}.example.com", options.name);
  if (options.password.empty()) options.password = default_secret(options, 3, 16);
  if (options.token.empty())
    options.token = jwt_like(R"({"iss":"smartflo","sub":"permanent"})", default_secret_key(options, 4));
}

// rosterd logs in with the e-mail address (the static token is for API clients that have one).
std::string smartflo_credentials_yaml(const TenantOptions& options) {
  return fmt::format("    email: {}\n    password: \"{}\"\n", options.user, options.password);
}

}  // namespace

VendorModule smartflo_module() {
  return {
      .name = "smartflo",
      .routes = k_smartflo_routes,
      .first_user_id = 314600,
      .default_page_size = 20,  // the documented example's
      .fill_user = fill_smartflo_user,
      .fill_credentials = fill_smartflo_credentials,
      .credentials_yaml = smartflo_credentials_yaml,
      .prerender = prerender_smartflo,
  };
}

}  // namespace rosterd::sim::detail
