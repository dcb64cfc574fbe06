// parse_config(): the top level of the file. Sources are read after `defaults:` wherever
// it is written, and each source is validated completely before the next.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "config/config.hpp"
#include "config/file_access.hpp"
#include "config/parse_context.hpp"
#include "config/source_parser.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"
#include "config/yaml_fields.hpp"

namespace rosterd::config {
namespace {

const std::vector<std::string> k_top_level_keys = {"database", "log_level", "concurrency", "defaults", "sources"};

const Field* find_field(const std::vector<Field>& fields, std::string_view key) {
  for (const auto& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

void read_database(const ParseContext& context, const std::vector<Field>& fields, Config& config) {
  const Field* field = find_field(fields, "database");
  if (field == nullptr) {
    throw ConfigError(Location{context.file, 0}, "database", "is required (the SQLite file rosterd writes)");
  }
  const Text text = string_value(context, *field, Secrecy::plain);
  if (text.value.empty()) fail(*field, "is empty");
  config.database = resolve_path(context.directory, text.value);
}

void read_log_level(const ParseContext& context, const Field& field, Config& config) {
  const Text text = string_value(context, field, Secrecy::plain);
  const auto level = core::parse_log_level(text.value);
  if (!level) fail(field, fmt::format("{} is not a log level (trace, debug, info, warn or error)", quoted(text)));
  config.log_level = *level;
}

void read_sources(const ParseContext& context, const Field* field, const Defaults& defaults,
                  std::span<const SourceTypeSchema> types, Config& config) {
  if (field != nullptr && !field->value.IsNull()) {
    if (!field->value.IsSequence()) {
      fail(*field, fmt::format("expected a list of sources, got {}", kind_of(field->value)));
    }
    std::size_t index = 0;
    for (const auto& node : field->value) {
      config.sources.push_back(parse_source(context, node, index++, defaults, types, config.sources));
    }
  }
  if (config.sources.empty()) {
    const Location location{context.file, field != nullptr ? field->location.line : 0};
    context.warnings->push_back(
        format_located(location, "sources", "no sources are configured; rosterd has nothing to sync"));
  }
}

Config parse_document(const ParseContext& context, const YAML::Node& root, std::span<const SourceTypeSchema> types) {
  Config config;
  config.path = context.file;
  // An empty file is an empty map: it then fails for its missing `database`.
  const std::vector<Field> fields =
      root.IsNull() ? std::vector<Field>{} : map_fields(context, root, "", location_of(context, root));
  for (const Field& field : fields) {
    if (std::find(k_top_level_keys.begin(), k_top_level_keys.end(), field.key) == k_top_level_keys.end()) {
      fail(field, fmt::format("unknown key{}", did_you_mean(field.key, k_top_level_keys)));
    }
  }
  read_database(context, fields, config);
  if (const Field* field = find_field(fields, "log_level")) read_log_level(context, *field, config);
  if (const Field* field = find_field(fields, "concurrency")) {
    config.concurrency = static_cast<int>(integer_value(context, *field, 1, 256));
  }
  const Defaults defaults = parse_defaults(context, find_field(fields, "defaults"), types);
  read_sources(context, find_field(fields, "sources"), defaults, types, config);
  return config;
}

}  // namespace

Config parse_config_text(std::string_view yaml, const std::string& path, std::span<const SourceTypeSchema> types,
                         const Environment& env, std::optional<unsigned> mode) {
  const std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  std::vector<std::string> warnings;
  ParseContext context{absolute.string(), absolute.parent_path().string(), &env, mode, &warnings};
  try {
    Config config = parse_document(context, YAML::Load(std::string{yaml}), types);
    config.warnings = std::move(warnings);
    return config;
  } catch (const YAML::Exception& error) {
    // Parser errors (and the DeepRecursion guard) carry the position of the problem.
    const Location location{context.file, error.mark.is_null() ? 0 : error.mark.line + 1};
    const std::string column = error.mark.is_null() ? "" : fmt::format(" (column {})", error.mark.column + 1);
    throw ConfigError(location, "", fmt::format("invalid YAML: {}{}", error.msg, column));
  }
}

Config parse_config(std::string_view yaml, const std::string& path, std::span<const SourceTypeSchema> types,
                    const Environment& env) {
  return parse_config_text(yaml, path, types, env, std::nullopt);
}

}  // namespace rosterd::config
