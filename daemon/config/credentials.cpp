#include "config/credentials.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/yaml_fields.hpp"

namespace rosterd::config {
namespace {

using Way = std::vector<std::string>;

bool given(const SourceConfig& source, const Way& way) {
  return std::any_of(way.begin(), way.end(), [&](const std::string& key) { return source.setting(key) != nullptr; });
}

// "token", "email + password"
std::string way_keys(const Way& way, std::string_view separator) {
  return fmt::format("{}", fmt::join(way, separator));
}

std::string ways_of(const std::vector<Way>& ways, std::string_view key_separator, std::string_view way_separator) {
  std::vector<std::string> texts;
  for (const auto& way : ways) texts.push_back(way_keys(way, key_separator));
  return fmt::format("{}", fmt::join(texts, way_separator));
}

[[noreturn]] void two_ways(const std::vector<Way>& ways, const SourceConfig& source, const Way& second) {
  const Setting* extra = nullptr;
  for (const auto& key : second) {
    if ((extra = source.setting(key)) != nullptr) break;
  }
  const std::string problem =
      ways.size() == 2 ? fmt::format("give either {} or {}, not both", way_keys(ways[0], " + "), way_keys(ways[1], " + "))
                       : fmt::format("give only one of {}", ways_of(ways, " + ", ", "));
  throw ConfigError(extra->location, extra->key_path, problem);
}

}  // namespace

void check_credentials(const ParseContext& context, const SourceTypeSchema& type, const SourceConfig& source) {
  const std::vector<Way>& ways = type.credentials;
  if (ways.empty()) return;
  std::vector<const Way*> chosen;
  for (const auto& way : ways) {
    if (given(source, way)) chosen.push_back(&way);
  }
  if (chosen.size() > 1) {
    checked(context, [&] { two_ways(ways, source, *chosen[1]); });
    return;
  }
  if (chosen.empty() && ways.size() > 1) {
    record(context, ConfigError(source.location, source.key_path,
                                fmt::format("type {} needs {}", type.type, ways_of(ways, " and ", ", or "))));
    return;
  }
  // Each key of the one way, missing or empty, on its own.
  for (const auto& key : chosen.empty() ? ways.front() : *chosen.front()) {
    checked(context, [&] { (void)source.require(key); });
  }
}

}  // namespace rosterd::config
