#include "sync/datasets/table.hpp"

#include "sync/datasets/listing.hpp"
#include "sync/datasets/per_user.hpp"

namespace rosterd::sync {

std::span<const DatasetType> dataset_types() {
  static const DatasetType types[] = {
      {model::Dataset::users, &start_user_listing},      {model::Dataset::portfolios, &start_entity_listing},
      {model::Dataset::profiles, &start_entity_listing}, {model::Dataset::campaigns, &start_entity_listing},
      {model::Dataset::user_stats, &start_user_stats},   {model::Dataset::agent_status, &start_agent_status},
  };
  return types;
}

const DatasetType* find_dataset_type(std::span<const DatasetType> types, const model::Dataset& dataset) {
  for (const auto& type : types) {
    if (type.dataset == dataset) return &type;
  }
  return nullptr;
}

}  // namespace rosterd::sync
