// config::parse_config on arbitrary text: a ConfigError is the only way it may refuse,
// and what it accepts is a configuration the rest of rosterd can rely on.

#include <algorithm>
#include <chrono>
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
      {"crocodial",
       {"user", "password", "concurrency", "max_requests_per_second", "agent_status_interval"},
       {"password"},
       {"users", "portfolios", "profiles", "campaigns", "user_stats", "agent_status"},
       {"users", "portfolios", "profiles", "campaigns"}},
      {"worksection", {"api_key"}, {"api_key"}, {"users"}, {"users"}},
      {"smartflo", {"token", "email", "password", "page_size"}, {"token", "password"}, {"users"}, {"users"}},
      {"class4", {"token", "user", "password", "page_size"}, {"token", "password"}, {"users"}, {"users"}},
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

[[noreturn]] void fail(const std::string& what) { throw OracleFailure(what); }

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
    for (const auto& [key, setting] : source.settings) {
      if (std::find(schema->keys.begin(), schema->keys.end(), key) == schema->keys.end()) {
        fail("key " + key + " accepted for type " + source.type);
      }
    }
    // What the sources read later: a typed getter may refuse only with ConfigError.
    try {
      (void)source.setting_int("page_size", 100, 1, 10'000);
      (void)source.setting_number("max_requests_per_second", 10, 0.1, 1000);
      (void)source.setting_duration("agent_status_interval", std::chrono::seconds{30});
    } catch (const config::ConfigError&) {
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
