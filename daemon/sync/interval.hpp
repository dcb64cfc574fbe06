#pragma once
// How often a dataset of a source runs under `rosterd run`.

#include "config/config.hpp"
#include "core/clock.hpp"
#include "model/dataset.hpp"

namespace rosterd::sync {

// The source's `interval`; for live agent state, its `agent_status_interval` (default 30 s,
// at least 1 s): it is polled far more often than the directory.
core::Millis interval_for(const config::SourceConfig& source, const model::Dataset& dataset);

}  // namespace rosterd::sync
