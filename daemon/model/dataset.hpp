#pragma once

#include <optional>
#include <string_view>

namespace rosterd::model {

enum class Entity { user, portfolio, profile, campaign };

enum class Dataset { users, portfolios, profiles, campaigns, user_stats, agent_status };

std::string_view to_string(Entity entity) noexcept;
std::string_view to_string(Dataset dataset) noexcept;
std::optional<Dataset> parse_dataset(std::string_view name) noexcept;

// The entity a listing dataset produces; nullopt for the per-user datasets.
std::optional<Entity> entity_of(Dataset dataset) noexcept;

}  // namespace rosterd::model
