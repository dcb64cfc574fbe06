#pragma once
// Vendor settings that several source types read the same way, and the schema
// entries (config::SettingSpec) that declare their kinds and ranges: config::load_config
// checks those, so the readers here take a value as the loader left it. A missing
// credential still throws config::ConfigError naming the source (a SourceConfig built
// in code has not been through the loader).

#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "sources/json_support.hpp"

namespace rosterd::sources {

inline constexpr long long k_default_page_size = 100;
inline constexpr long long k_max_page_size = 1000;

// page_size: 1..1000, default 100.
config::SettingSpec page_size_setting();
int page_size(const config::SourceConfig& config);

// A required, non-empty setting. A credential is registered with core::secrets()
// (the config loader does so too; a SourceConfig built in code may not have been).
std::string required_setting(const config::SourceConfig& config, std::string_view key);

// Smartflo and Class4 take a static `token`, or `<login_key>` + `password` for a
// login: exactly one of the two.
struct Credentials {
  std::optional<std::string> token;  // set: use it as is, never log in
  std::string login;                 // the email or user name when token is unset
  std::string password;
};
Credentials token_or_login(const config::SourceConfig& config, std::string_view login_key);

// The source's drop_fields plus the fields every parser drops (pass/secret/token).
FieldFilter field_filter(const config::SourceConfig& config);

}  // namespace rosterd::sources
