#include "sources/source_settings.hpp"

#include <fmt/format.h>

#include "core/secrets.hpp"

namespace rosterd::sources {

config::SettingSpec page_size_setting() {
  return config::whole_number_setting("page_size", 1, k_max_page_size)
      .documented(std::to_string(k_default_page_size), "Users asked for per page of the listing.");
}

int page_size(const config::SourceConfig& config) {
  return static_cast<int>(config.setting_int("page_size", k_default_page_size));
}

std::string required_setting(const config::SourceConfig& config, std::string_view key) {
  const auto& setting = config.require(key);
  if (setting.secret || core::is_secret_field_name(key)) core::secrets().add(setting.value);
  return setting.value;
}

Credentials token_or_login(const config::SourceConfig& config, std::string_view login_key) {
  const auto* token = config.setting("token");
  const auto* login = config.setting(login_key);
  const auto* password = config.setting("password");
  if (token != nullptr && (login != nullptr || password != nullptr)) {
    const auto* extra = login != nullptr ? login : password;
    throw config::ConfigError(extra->location, extra->key_path,
                              fmt::format("give either token or {} + password, not both", login_key));
  }
  if (token == nullptr && login == nullptr && password == nullptr) {
    throw config::ConfigError(config.location, config.key_path,
                              fmt::format("type {} needs token, or {} and password", config.type, login_key));
  }
  Credentials credentials;
  if (token != nullptr) {
    credentials.token = required_setting(config, "token");
    return credentials;
  }
  credentials.login = required_setting(config, login_key);
  credentials.password = required_setting(config, "password");
  return credentials;
}

FieldFilter field_filter(const config::SourceConfig& config) {
  return FieldFilter(config.drop_fields);
}

}  // namespace rosterd::sources
