#pragma once
// Rest sources in tests: a configuration read by the real loader from an inline
// definition, so that what a test runs is what the loader accepts.

#include <string>

#include "config/config.hpp"
#include "sources/registry.hpp"

namespace rosterd::sources::testing {

inline constexpr const char* k_rest_base = "https://api.example";

// `text` with every line indented by `spaces`.
inline std::string indented(const std::string& text, int spaces) {
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    const auto end = std::min(text.find('\n', start), text.size());
    out += std::string(static_cast<std::size_t>(spaces), ' ') + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

// A rest source's configuration (url k_rest_base) with `definition` (YAML) and
// `parameters` (a flow map).
inline config::SourceConfig rest_config(const std::string& definition, const std::string& parameters = "{}") {
  const std::string yaml = "database: db\nsources:\n  - name: api\n    type: rest\n    url: " + std::string(k_rest_base) +
                           "\n    parameters: " + parameters + "\n    definition:\n" + indented(definition, 6);
  auto config = config::parse_config(yaml, "/etc/rosterd/rosterd.yaml", source_schemas());
  return config.sources.at(0);
}

}  // namespace rosterd::sources::testing
