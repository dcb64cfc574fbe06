#pragma once
// Internal to config/: the `definition:` and `parameters:` of a source of a declarative
// type (SourceTypeSchema::declarative), checked as strictly as the rest of the file:
// unknown keys with "did you mean", bad JSON pointers, a paginator without its
// parameters, references to parameters the definition does not declare.

#include <memory>

#include "config/config.hpp"
#include "config/parse_context.hpp"
#include "config/rest_definition.hpp"

namespace rosterd::config {

// A JSON pointer as rest definitions write it (rest_definition.hpp); nullopt and `problem`
// set when it is not one.
std::optional<JsonPath> parse_json_path(std::string_view text, std::string& problem);

// The definition: a map, or the path (relative to the configuration's directory) of a
// YAML file holding one, whose problems are located in that file.
std::shared_ptr<const RestDefinition> read_rest_definition(const ParseContext& context, const Field& field);

}  // namespace rosterd::config
