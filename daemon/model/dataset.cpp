#include "model/dataset.hpp"

#include <algorithm>

namespace rosterd::model {

std::string_view to_string(Entity entity) noexcept {
  switch (entity) {
    case Entity::user:
      return "user";
    case Entity::portfolio:
      return "portfolio";
    case Entity::profile:
      return "profile";
    case Entity::campaign:
      return "campaign";
  }
  return "?";
}

std::optional<Dataset> parse_dataset(std::string_view name) {
  const auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  if (name.empty() || name.front() < 'a' || name.front() > 'z' || !std::all_of(name.begin(), name.end(), word)) {
    return std::nullopt;
  }
  return Dataset(std::string(name));
}

std::optional<Entity> entity_of(const Dataset& dataset) noexcept {
  if (dataset == Dataset::users) return Entity::user;
  if (dataset == Dataset::portfolios) return Entity::portfolio;
  if (dataset == Dataset::profiles) return Entity::profile;
  if (dataset == Dataset::campaigns) return Entity::campaign;
  return std::nullopt;
}

}  // namespace rosterd::model
