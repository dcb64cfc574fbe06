#include "config/source_names.hpp"

#include <yaml-cpp/yaml.h>

namespace rosterd::config {

std::vector<std::string> listed_source_names(const std::string& path) noexcept {
  std::vector<std::string> names;
  try {
    const YAML::Node sources = YAML::LoadFile(path)["sources"];
    if (!sources.IsSequence()) return names;
    for (const auto& source : sources) {
      if (source.IsMap() && source["name"].IsScalar()) names.push_back(source["name"].Scalar());
    }
  } catch (...) {
    names.clear();
  }
  return names;
}

}  // namespace rosterd::config
