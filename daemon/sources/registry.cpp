#include "sources/registry.hpp"

#include "sources/class4/class4_json.hpp"
#include "sources/class4/class4_source.hpp"
#include "sources/crocodial/crocodial_source.hpp"
#include "sources/per_user.hpp"
#include "sources/rest/rest_source.hpp"
#include "sources/smartflo/smartflo_json.hpp"
#include "sources/smartflo/smartflo_source.hpp"
#include "sources/source_settings.hpp"
#include "sources/worksection/worksection_source.hpp"

namespace rosterd::sources {
namespace {

using config::secret_setting;
using config::text_setting;

// A static token, or a login (`login_key` and password) that yields one: Smartflo, Class4.
std::vector<config::SettingSpec> token_or_login_settings(const std::string& login_key, const std::string& login_help) {
  return {secret_setting("token").documented("", "A static API token, instead of a login."),
          text_setting(login_key).documented("", login_help),
          secret_setting("password").documented("", "The password of the login."),
          page_size_setting()};
}

std::vector<config::SettingSpec> crocodial_settings() {
  std::vector<config::SettingSpec> settings{
      text_setting("user").documented("", "The API user (POSTed with each request, never put in the URL)."),
      secret_setting("password").documented("", "The API user's password.")};
  for (auto& spec : per_user_settings()) settings.push_back(std::move(spec));
  // Read by the daemon's scheduler (service/daemon.cpp), not by the source.
  settings.push_back(config::duration_setting("agent_status_interval")
                         .documented("30s", "How often agent_status is polled, apart from interval."));
  return settings;
}

}  // namespace

std::span<const SourceType> source_types() {
  // The volatile fields are the presence data of each vendor's users listing (its API
  // documentation): they change at every login, so they are kept current but are no history.
  static const SourceType types[] = {
      // user_stats and agent_status cost one request per user: not synced by default. Live
      // agent state has a table of its own (agent_status), not attributes.
      {.schema = {.type = "crocodial",
                  .description = "CrocoDial dialer (goAPIv2)",
                  .settings = crocodial_settings(),
                  .datasets = {"users", "portfolios", "profiles", "campaigns", "user_stats", "agent_status"},
                  .default_datasets = {"users", "portfolios", "profiles", "campaigns"},
                  .volatile_fields = {},
                  .credentials = {{"user", "password"}}},
       .create = &crocodial::make_source,
       .reader_version = 1,
       // getUserInfo supplies email, user_group and phone (phone_login).
       .info_columns = model::InfoColumns::all()},
      {.schema = {.type = "worksection",
                  .description = "Worksection admin API v2: the key signs each request",
                  .settings = {secret_setting("api_key").documented("", "The account's admin API key.")},
                  .datasets = {"users"},
                  .default_datasets = {"users"},
                  .volatile_fields = {},
                  .credentials = {{"api_key"}}},
       .create = &worksection::make_source},
      // agent.status: Enabled 0, Blocked 1, Disabled 2, Busy 3, Offline 4.
      {.schema = {.type = "smartflo",
                  .description = "Tata Smartflo: a token, or a login (which lasts an hour and is reused)",
                  .settings = token_or_login_settings("email", "The login's e-mail address (with password)."),
                  .datasets = {"users"},
                  .default_datasets = {"users"},
                  .volatile_fields = {"agent.status"},
                  .credentials = {{"token"}, {"email", "password"}}},
       .create = &smartflo::make_source,
       .reader_version = smartflo::k_users_reader_version},
      // DNL users: last_login_time, login_ip and last_seen move at each login; is_online
      // (1 online, 2 offline, 3 away) with the agent's state.
      {.schema = {.type = "class4",
                  .description = "Denovolab Class4 softswitch: a token, or a login",
                  .settings = token_or_login_settings("user", "The login's user name (with password)."),
                  .datasets = {"users"},
                  .default_datasets = {"users"},
                  .volatile_fields = {"is_online", "last_login_time", "last_seen", "login_ip"},
                  .credentials = {{"token"}, {"user", "password"}}},
       .create = &class4::make_source,
       .reader_version = class4::k_users_reader_version},
      // Any JSON user directory, described by the source's `definition:`; its volatile
      // fields are the definition's.
      {.schema = {.type = "rest",
                  .description = "Any JSON user directory, described by the source's definition",
                  .settings = {},
                  .datasets = {"users"},
                  .default_datasets = {"users"},
                  .declarative = true},
       .create = &rest::make_source},
  };
  return types;
}

const SourceType* find_source_type(std::span<const SourceType> types, std::string_view type) {
  for (const auto& t : types) {
    if (t.schema.type == type) return &t;
  }
  return nullptr;
}

const SourceType* find_source_type(std::string_view type) {
  return find_source_type(source_types(), type);
}

std::vector<config::SourceTypeSchema> source_schemas(std::span<const SourceType> types) {
  std::vector<config::SourceTypeSchema> out;
  for (const auto& t : types) out.push_back(t.schema);
  return out;
}

std::vector<config::SourceTypeSchema> source_schemas() {
  return source_schemas(source_types());
}

std::unique_ptr<Source> create_source(const config::SourceConfig& config) {
  const auto* type = find_source_type(config.type);
  if (type == nullptr) throw config::ConfigError(config.location, config.key_path + ".type", "unknown source type");
  return type->create(config);
}

}  // namespace rosterd::sources
