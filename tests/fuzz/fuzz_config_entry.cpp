// config::parse_config on arbitrary text: a ConfigError is the only way it may refuse,
// and what it accepts is a configuration the rest of rosterd can rely on.

#include <algorithm>
#include <optional>
#include <set>

#include "config/config.hpp"
#include "core/secrets.hpp"
#include "fuzz_entries.hpp"

namespace rosterd::fuzz {
namespace {

// Shaped like the registry's table (sources/registry.cpp), fixed here so that a
// change of the real one does not silently change what was fuzzed.
const std::vector<config::SourceTypeSchema>& schema_table() {
  static const std::vector<config::SourceTypeSchema> types = {
      {.type = "crocodial",
       .settings = {config::text_setting("user"), config::secret_setting("password"),
                    config::whole_number_setting("concurrency", 1, 64),
                    config::number_setting("max_requests_per_second", 0, 1000, config::LowerBound::exclusive),
                    config::duration_setting("agent_status_interval")},
       .datasets = {"users", "portfolios", "profiles", "campaigns", "user_stats", "agent_status"},
       .default_datasets = {"users", "portfolios", "profiles", "campaigns"},
       .volatile_fields = {},
       .credentials = {{"user", "password"}}},
      {.type = "worksection",
       .settings = {config::secret_setting("api_key")},
       .datasets = {"users"},
       .default_datasets = {"users"},
       .volatile_fields = {},
       .credentials = {{"api_key"}}},
      {.type = "smartflo",
       .settings = {config::secret_setting("token"), config::text_setting("email"), config::secret_setting("password"),
                    config::whole_number_setting("page_size", 1, 1000)},
       .datasets = {"users"},
       .default_datasets = {"users"},
       .volatile_fields = {},
       .credentials = {{"token"}, {"email", "password"}}},
      {.type = "class4",
       .settings = {config::secret_setting("token"), config::text_setting("user"), config::secret_setting("password"),
                    config::whole_number_setting("page_size", 1, 1000)},
       .datasets = {"users"},
       .default_datasets = {"users"},
       .volatile_fields = {},
       .credentials = {{"token"}, {"user", "password"}}},
      {.type = "rest", .settings = {}, .datasets = {"users"}, .default_datasets = {"users"}, .declarative = true},
  };
  return types;
}

// ${env:...} knows two names; ${credential:...} and relative ${file:...} find nothing
// (the config "lives" in a folder that does not exist).
const config::Environment& fake_environment() {
  static const config::Environment env = [] {
    config::Environment e;
    e.get_env = [](const std::string& name) -> std::optional<std::string> {
      if (name == "ROSTERD_FUZZ_PASSWORD") return std::string("fuzz-password-value");
      if (name == "ROSTERD_FUZZ_EMPTY") return std::string();
      return std::nullopt;
    };
    return e;
  }();
  return env;
}


const config::SourceTypeSchema* schema_of(const std::string& type) {
  for (const auto& schema : schema_table()) {
    if (schema.type == type) return &schema;
  }
  return nullptr;
}

void check_accepted(const config::Config& config) {
  if (config.database.empty() || config.database.front() != '/') fail("database is not an absolute path");
  if (config.concurrency < 1 || config.concurrency > 256) fail("concurrency out of range");
  std::set<std::string> names;
  for (const auto& source : config.sources) {
    if (source.name.empty() || !names.insert(source.name).second) fail("empty or duplicate source name");
    const auto* schema = schema_of(source.type);
    if (schema == nullptr) fail("unknown type accepted: " + source.type);
    for (const auto& dataset : source.datasets) {
      if (std::find(schema->datasets.begin(), schema->datasets.end(), dataset) == schema->datasets.end()) {
        fail("dataset " + dataset + " accepted for type " + source.type);
      }
    }
    if (source.timeout.count() <= 0 || source.connect_timeout.count() <= 0) fail("a zero or negative timeout");
    if (source.retries < 0 || source.max_remove_ratio < 0 || source.max_remove_ratio > 1) fail("bad retry/ratio");
    if (schema->declarative != (source.definition != nullptr)) fail("a definition where the type takes none, or none");
    for (const auto& entry : source.settings) {
      const std::string& key = entry.first;
      // A declarative type's settings are the parameters its definition declares, each given.
      const bool known =
          schema->declarative
              ? std::any_of(source.definition->parameters.begin(), source.definition->parameters.end(),
                            [&](const config::RestParameter& parameter) { return parameter.name == key; })
              : schema->setting(key) != nullptr;
      if (!known) fail("key " + key + " accepted for type " + source.type);
    }
    if (source.definition) {
      for (const auto& parameter : source.definition->parameters) {
        const auto* setting = source.setting(parameter.name);
        if (setting == nullptr) fail("parameter " + parameter.name + " missing from an accepted source");
        if (setting->secret != parameter.secret) fail("parameter " + parameter.name + " of the wrong secrecy");
      }
    }
    // What the sources read later without a range: the loader checked every declared value.
    for (const auto& spec : schema->settings) {
      const auto* setting = source.setting(spec.key);
      if (setting == nullptr) continue;
      try {
        config::check_setting(spec, *setting);
      } catch (const config::ConfigError&) {
        fail("value of " + spec.key + " accepted outside its kind or range for type " + source.type);
      }
    }
    // Exactly one way to authenticate, every key of it set.
    std::size_t ways = 0;
    for (const auto& way : schema->credentials) {
      const auto set = std::count_if(way.begin(), way.end(), [&](const std::string& key) {
        const auto* setting = source.setting(key);
        return setting != nullptr && !setting->value.empty();
      });
      if (set == 0) continue;
      if (static_cast<std::size_t>(set) != way.size()) fail("a way to authenticate accepted in part: " + source.type);
      ++ways;
    }
    // A declarative type's credentials are its definition's parameters (checked above).
    if (ways != (schema->declarative ? 0u : 1u)) {
      fail("accepted with " + std::to_string(ways) + " ways to authenticate: " + source.type);
    }
  }
}

// Every problem is one line (a value quoted in it may not break it), and what() lists
// them one per line after a header when there are several.
void check_refused(const config::ConfigError& error) {
  const auto& problems = error.problems();
  if (problems.empty()) fail("a ConfigError without a problem");
  for (const auto& problem : problems) {
    const std::string text = problem.text();
    if (problem.problem.empty()) fail("a problem without a description");
    if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
      fail("a control byte in a problem: " + text);
    }
  }
  const std::string_view what = error.what();
  const auto listed = std::min(problems.size(), config::ConfigError::k_max_listed);
  const auto lines = static_cast<std::size_t>(std::count(what.begin(), what.end(), '\n')) + 1;
  const auto expected = problems.size() == 1 ? 1 : 1 + listed + (problems.size() > listed ? 1 : 0);
  if (lines != expected) fail("what() has " + std::to_string(lines) + " lines, expected " + std::to_string(expected));
}

}  // namespace

void config(std::string_view input) {
  core::secrets().clear();  // parse_config registers secrets; keep each input independent
  try {
    check_accepted(config::parse_config(input, "/nonexistent/rosterd-fuzz/rosterd.yaml", schema_table(),
                                        fake_environment()));
  } catch (const config::ConfigError& error) {
    check_refused(error);
  }
}

}  // namespace rosterd::fuzz
