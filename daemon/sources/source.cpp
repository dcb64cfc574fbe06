#include "sources/source.hpp"

#include <fmt/format.h>

namespace rosterd::sources {

core::Status Source::fetch_entities(RunContext&, const model::Dataset& dataset, EntitySink&) {
  return core::Error{core::ErrorKind::config,
                     fmt::format("{}: dataset '{}' is not available for this source type", name(), model::to_string(dataset))};
}

core::Status Source::fetch_user_info(RunContext&, std::span<const UserRef>, PerUserSink<model::UserInfoResult>&) {
  return core::Error{core::ErrorKind::config, fmt::format("{}: dataset 'user_stats' is not available for this source type", name())};
}

core::Status Source::fetch_agent_states(RunContext&, std::span<const UserRef>, PerUserSink<model::AgentState>&) {
  return core::Error{core::ErrorKind::config,
                     fmt::format("{}: dataset 'agent_status' is not available for this source type", name())};
}

core::Result<std::vector<model::User>> Source::preview(RunContext& context, std::size_t) {
  if (auto connected = check_connection(context); !connected) return std::move(connected).error();
  return std::vector<model::User>{};
}

}  // namespace rosterd::sources
