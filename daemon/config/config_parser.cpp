// parse_config(): the top level of the file. Sources are read after `defaults:` wherever
// it is written. Every key is checked on its own and its problem recorded (see
// ParseContext::problems); they are thrown together, in file order, at the end.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>

#include "config/config.hpp"
#include "config/config_keys.hpp"
#include "config/file_access.hpp"
#include "config/operations_parser.hpp"
#include "config/parse_context.hpp"
#include "config/source_parser.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"
#include "config/yaml_fields.hpp"
#include "core/secrets.hpp"

namespace rosterd::config {
namespace {

// The keys the top level takes: the table's map "" (config_keys.cpp).
const std::vector<std::string> k_top_level_keys = keys_of(k_top_level);

bool is_server_uri(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

// The password of "postgresql://user:password@host/..." when it is written in the file.
std::optional<std::string> literal_password(std::string_view raw) {
  const auto scheme = raw.find("://");
  const auto authority = raw.substr(scheme + 3, raw.find_first_of("/?", scheme + 3) - (scheme + 3));
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const auto colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto password = authority.substr(colon + 1, at - colon - 1);
  if (password.empty() || password.starts_with("${")) return std::nullopt;
  return std::string(password);
}

// A SQLite file (relative to the configuration's directory), or a PostgreSQL
// connection URI, which may hold a password: it is a secret (never logged).
void read_database(const ParseContext& context, const std::vector<Field>& fields, Config& config) {
  const Field* field = find_field(fields, "database");
  if (field == nullptr) {
    throw ConfigError(Location{context.file, 0}, "database",
                      "is required (the SQLite file rosterd writes, or a postgresql:// URI)");
  }
  const bool server = field->value.IsScalar() && is_server_uri(field->value.Scalar());
  const Text text = string_value(context, *field, server ? Secrecy::references : Secrecy::plain);
  if (text.value.empty()) fail(*field, "is empty");
  if (!server) {
    config.database = resolve_path(context.directory, text.value);
    return;
  }
  if (const auto password = literal_password(text.raw)) {
    core::secrets().add(*password);
    context.warnings->push_back(format_located(
        text.location, text.key_path,
        "the URI holds a password written in the file; give it as ${credential:NAME} in the URI, or leave it out "
        "for PGPASSFILE or ~/.pgpass"));
  }
  config.database = text.value;
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
      // A source with problems is kept too (the whole configuration is refused at the
      // end), so that a later source with the same name is still reported.
      checked(context, [&] { config.sources.push_back(parse_source(context, node, index, defaults, types, config.sources)); });
      ++index;
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
      checked(context, [&] { fail(field, fmt::format("unknown key{}", did_you_mean(field.key, k_top_level_keys))); });
    }
  }
  checked(context, [&] { read_database(context, fields, config); });
  if (const Field* field = find_field(fields, "log_level")) {
    checked(context, [&] { read_log_level(context, *field, config); });
  }
  if (const Field* field = find_field(fields, "concurrency")) {
    checked(context, [&] { config.concurrency = static_cast<int>(integer_value(context, *field, 1, 256)); });
  }
  if (const Field* field = find_field(fields, "claim_timeout")) {
    checked(context, [&] {
      config.claim_timeout = positive_duration_value(context, *field);
      if (config.claim_timeout < std::chrono::seconds{1}) fail(*field, "must be at least 1s");
    });
  }
  if (const Field* field = find_field(fields, "metrics")) {
    checked(context, [&] { read_metrics(context, *field, config); });
  }
  if (const Field* field = find_field(fields, "retention")) {
    checked(context, [&] { read_retention(context, *field, config); });
  }
  // A `defaults:` that is not a map counts as empty: its problem is reported, and the
  // sources are still checked with the built-in defaults.
  Defaults defaults;
  checked(context, [&] { defaults = parse_defaults(context, find_field(fields, "defaults"), types); });
  checked(context, [&] { read_sources(context, find_field(fields, "sources"), defaults, types, config); });
  return config;
}

bool indented_with_tab(std::string_view line) {
  const std::size_t content = line.find_first_not_of(" \t");
  return content != std::string_view::npos && line.substr(0, content).find('\t') != std::string_view::npos;
}

// The lines of `yaml` (1-based) up to `last` whose indentation holds a tab.
std::vector<int> tab_indented_lines(std::string_view yaml, int last) {
  std::vector<int> found;
  std::size_t start = 0;
  for (int number = 1; number <= last && start <= yaml.size(); ++number) {
    const std::size_t end = std::min(yaml.find('\n', start), yaml.size());
    if (indented_with_tab(yaml.substr(start, end - start))) found.push_back(number);
    start = end + 1;
  }
  return found;
}

// A syntax error (or the DeepRecursion guard), at the position yaml-cpp gives. A tab
// in the indentation gets a message of its own: yaml-cpp's ("illegal tab when looking
// for indentation", "illegal map value", "illegal block entry") does not say what to
// change. The tab is on the line yaml-cpp stopped at or, when its message names a
// tab, on the first tab-indented line before it.
ConfigError yaml_syntax_error(const ParseContext& context, std::string_view yaml, const YAML::Exception& error) {
  const int line = error.mark.is_null() ? 0 : error.mark.line + 1;
  const std::vector<int> tabs = tab_indented_lines(yaml, line > 0 ? line : std::numeric_limits<int>::max());
  int tab_line = 0;
  if (!tabs.empty() && tabs.back() == line) {
    tab_line = line;
  } else if (!tabs.empty() && error.msg.find("tab") != std::string::npos) {
    tab_line = tabs.front();
  }
  if (tab_line > 0) {
    return ConfigError(Location{context.file, tab_line}, "",
                       "tabs are not allowed for indentation in YAML; indent this line with spaces");
  }
  const std::string column = error.mark.is_null() ? "" : fmt::format(" (column {})", error.mark.column + 1);
  return ConfigError(Location{context.file, line}, "", fmt::format("invalid YAML: {}{}", error.msg, column));
}

// A default that every source takes (an empty `defaults.token`, say) is one problem, not
// one per source.
std::vector<ConfigProblem> without_repeats(std::vector<ConfigProblem> problems) {
  std::vector<ConfigProblem> out;
  for (auto& problem : problems) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const ConfigProblem& other) {
      return other.location.line == problem.location.line && other.location.file == problem.location.file &&
             other.key == problem.key && other.problem == problem.problem;
    });
    if (!seen) out.push_back(std::move(problem));
  }
  return out;
}

}  // namespace

Config parse_config_text(std::string_view yaml, const std::string& path, std::span<const SourceTypeSchema> types,
                         const Environment& env, std::optional<unsigned> mode) {
  const std::filesystem::path absolute = std::filesystem::absolute(path).lexically_normal();
  std::vector<std::string> warnings;
  std::vector<ConfigProblem> problems;
  ParseContext context{absolute.string(), absolute.parent_path().string(), &env, mode, &warnings, &problems};
  Config config;
  try {
    config = parse_document(context, YAML::Load(std::string{yaml}), types);
  } catch (const YAML::Exception& error) {
    throw yaml_syntax_error(context, yaml, error);
  }
  if (!problems.empty()) {
    // In file order; problems of the whole file (line 0: a missing `database`) first.
    std::stable_sort(problems.begin(), problems.end(),
                     [](const ConfigProblem& a, const ConfigProblem& b) { return a.location.line < b.location.line; });
    throw ConfigError(without_repeats(std::move(problems)));
  }
  config.warnings = std::move(warnings);
  return config;
}

Config parse_config(std::string_view yaml, const std::string& path, std::span<const SourceTypeSchema> types,
                    const Environment& env) {
  return parse_config_text(yaml, path, types, env, std::nullopt);
}

}  // namespace rosterd::config
