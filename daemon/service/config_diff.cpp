#include "service/config_diff.hpp"

namespace rosterd::service {

bool same_settings(const config::SourceConfig& a, const config::SourceConfig& b) {
  if (a.name != b.name || a.type != b.type || a.url != b.url || a.datasets != b.datasets || a.interval != b.interval ||
      a.timeout != b.timeout || a.connect_timeout != b.connect_timeout || a.retries != b.retries ||
      a.max_remove_ratio != b.max_remove_ratio || a.drop_fields != b.drop_fields || a.ca_file != b.ca_file ||
      a.max_response_bytes != b.max_response_bytes || a.settings.size() != b.settings.size()) {
    return false;
  }
  for (const auto& [key, setting] : a.settings) {
    const auto* other = b.setting(key);
    if (other == nullptr || other->value != setting.value) return false;
  }
  return true;
}

ConfigDiff diff_sources(const config::Config& before, const config::Config& after) {
  ConfigDiff diff;
  for (const auto& source : after.sources) {
    const auto* old = before.find_source(source.name);
    if (old == nullptr) {
      diff.added.push_back(source.name);
    } else if (same_settings(*old, source)) {
      diff.unchanged.push_back(source.name);
    } else {
      diff.changed.push_back(source.name);
    }
  }
  for (const auto& source : before.sources) {
    if (after.find_source(source.name) == nullptr) diff.removed.push_back(source.name);
  }
  return diff;
}

}  // namespace rosterd::service
