#include "sources/registry.hpp"

#include "sources/class4/class4_source.hpp"
#include "sources/crocodial/crocodial_source.hpp"
#include "sources/smartflo/smartflo_source.hpp"
#include "sources/worksection/worksection_source.hpp"

namespace rosterd::sources {

std::span<const SourceType> source_types() {
  // The volatile fields are the presence data of each vendor's users listing (its API
  // documentation): they change at every login, so they are kept current but are no history.
  static const SourceType types[] = {
      // user_stats and agent_status cost one request per user: not synced by default. Live
      // agent state has a table of its own (agent_status), not attributes.
      {{"crocodial",
        {"user", "password", "concurrency", "max_requests_per_second", "agent_status_interval"},
        {"password"},
        {"users", "portfolios", "profiles", "campaigns", "user_stats", "agent_status"},
        {"users", "portfolios", "profiles", "campaigns"},
        {}},
       &crocodial::make_source,
       1,
       // getUserInfo supplies email, user_group and phone (phone_login).
       model::InfoColumns::all()},
      {{"worksection", {"api_key"}, {"api_key"}, {"users"}, {"users"}, {}}, &worksection::make_source},
      // agent.status: Enabled 0, Blocked 1, Disabled 2, Busy 3, Offline 4.
      {{"smartflo",
        {"token", "email", "password", "page_size"},
        {"token", "password"},
        {"users"},
        {"users"},
        {"agent.status"}},
       &smartflo::make_source},
      // DNL users: last_login_time, login_ip and last_seen move at each login; is_online
      // (1 online, 2 offline, 3 away) with the agent's state.
      {{"class4",
        {"token", "user", "password", "page_size"},
        {"token", "password"},
        {"users"},
        {"users"},
        {"is_online", "last_login_time", "last_seen", "login_ip"}},
       &class4::make_source},
  };
  return types;
}

const SourceType* find_source_type(std::string_view type) {
  for (const auto& t : source_types()) {
    if (t.schema.type == type) return &t;
  }
  return nullptr;
}

std::vector<config::SourceTypeSchema> source_schemas() {
  std::vector<config::SourceTypeSchema> out;
  for (const auto& t : source_types()) out.push_back(t.schema);
  return out;
}

std::unique_ptr<Source> create_source(const config::SourceConfig& config) {
  const auto* type = find_source_type(config.type);
  if (type == nullptr) throw config::ConfigError(config.location, config.key_path + ".type", "unknown source type");
  return type->create(config);
}

}  // namespace rosterd::sources
