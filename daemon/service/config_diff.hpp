#pragma once
// What a reload changes: sources added, removed, changed, unchanged. Sources
// compare by their settings, not by where they are written, so that moving a
// block in the file (or editing another source) leaves a source untouched:
// it keeps its connections and its cached login token.

#include <string>
#include <vector>

#include "config/config.hpp"

namespace rosterd::service {

struct ConfigDiff {
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::vector<std::string> changed;
  std::vector<std::string> unchanged;
};

bool same_settings(const config::SourceConfig& a, const config::SourceConfig& b);
ConfigDiff diff_sources(const config::Config& before, const config::Config& after);

}  // namespace rosterd::service
