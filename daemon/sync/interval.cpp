#include "sync/interval.hpp"

#include <algorithm>

namespace rosterd::sync {

core::Millis interval_for(const config::SourceConfig& source, const model::Dataset& dataset) {
  if (dataset == model::Dataset::agent_status) {
    return std::max<core::Millis>(std::chrono::seconds{1},
                                  source.setting_duration("agent_status_interval", std::chrono::seconds{30}));
  }
  return source.interval;
}

}  // namespace rosterd::sync
