#pragma once
// Internal to config/: reading yaml-cpp nodes with file:line and key paths in every error.

#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "config/parse_context.hpp"

namespace rosterd::config {

Location location_of(const ParseContext& context, const YAML::Node& node);

// "a string", "a list", "a map" or "no value", for "expected X, got Y".
std::string_view kind_of(const YAML::Node& node);

// "parent.key", or "key" at the top level.
std::string child_path(std::string_view parent, std::string_view key);

[[noreturn]] void fail(const Field& field, std::string problem);

// Records every problem of `error` in context.problems.
void record(const ParseContext& context, const ConfigError& error);

// Runs `step`, one unit of checking (a key, usually). A ConfigError it throws is
// recorded and reading goes on; returns whether the step succeeded.
template <typename Step>
bool checked(const ParseContext& context, Step&& step) {
  try {
    std::forward<Step>(step)();
    return true;
  } catch (const ConfigError& error) {
    record(context, error);
    return false;
  }
}

// The entries of a map in file order. Throws ConfigError at `where` when `node` is not a
// map. A key that is not a plain string or that appears twice (yaml-cpp 0.7 keeps both
// entries of a duplicated key silently) is recorded as a problem and left out.
std::vector<Field> map_fields(const ParseContext& context, const YAML::Node& node, std::string_view path,
                              const Location& where);

// A scalar with ${...} expanded (see expand.hpp).
Text string_value(const ParseContext& context, const Field& field, Secrecy secrecy);

// A list of scalars, each expanded and located at its own line ("datasets[1]").
std::vector<Text> string_list(const ParseContext& context, const Field& field);

// The field of `fields` named `key`, or nullptr.
const Field* find_field(const std::vector<Field>& fields, std::string_view key);

}  // namespace rosterd::config
