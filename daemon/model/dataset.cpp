#include "model/dataset.hpp"

namespace rosterd::model {

std::string_view to_string(Entity entity) noexcept {
  switch (entity) {
    case Entity::user: return "user";
    case Entity::portfolio: return "portfolio";
    case Entity::profile: return "profile";
    case Entity::campaign: return "campaign";
  }
  return "?";
}

std::string_view to_string(Dataset dataset) noexcept {
  switch (dataset) {
    case Dataset::users: return "users";
    case Dataset::portfolios: return "portfolios";
    case Dataset::profiles: return "profiles";
    case Dataset::campaigns: return "campaigns";
    case Dataset::user_stats: return "user_stats";
    case Dataset::agent_status: return "agent_status";
  }
  return "?";
}

std::optional<Dataset> parse_dataset(std::string_view name) noexcept {
  for (auto d : {Dataset::users, Dataset::portfolios, Dataset::profiles, Dataset::campaigns, Dataset::user_stats,
                 Dataset::agent_status}) {
    if (to_string(d) == name) return d;
  }
  return std::nullopt;
}

std::optional<Entity> entity_of(Dataset dataset) noexcept {
  switch (dataset) {
    case Dataset::users: return Entity::user;
    case Dataset::portfolios: return Entity::portfolio;
    case Dataset::profiles: return Entity::profile;
    case Dataset::campaigns: return Entity::campaign;
    default: return std::nullopt;
  }
}

}  // namespace rosterd::model
