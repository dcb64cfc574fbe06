#pragma once
// Listing datasets: the vendor lists every record of a kind (users, portfolios,
// profiles, campaigns); the planner compares the complete listing with the stored
// state; records not listed are removed, within the mass-removal guard.

#include <memory>

#include "sync/dataset_run.hpp"

namespace rosterd::sync {

std::unique_ptr<DatasetRun> start_user_listing(const DatasetInputs& inputs);
// Portfolios, profiles, campaigns: named entities (model::entity_of(dataset)).
std::unique_ptr<DatasetRun> start_entity_listing(const DatasetInputs& inputs);

}  // namespace rosterd::sync
