#pragma once
// Internal to config/: the `defaults:` block and the entries of `sources:`.

#include <span>
#include <vector>

#include "config/parse_context.hpp"

namespace rosterd::config {

// `defaults:` after validation. Its values are checked once, where they are written;
// datasets are checked per source, against that source's type.
struct Defaults {
  SourceConfig common;                                   // built-in values overlaid with the common keys
  std::vector<Text> datasets;                            // empty when not given
  std::map<std::string, Setting, std::less<>> settings;  // vendor keys, secret if any type says so
  std::vector<std::string> unread;                       // keys whose value had a problem
};

// A vendor setting's value, a secret registered and warned about when written literally
// in a file others can read.
Setting read_setting(const ParseContext& context, const Field& field, Secrecy secrecy);

// `volatile_fields: {add: [...], remove: [...]}`: the type's volatile attributes, with
// `remove` (each one of the type's) taken out and `add` (attribute keys) put in.
std::vector<std::string> volatile_fields(const ParseContext& context, const Field& field, const SourceTypeSchema& type);

// A declarative type's `definition:` and `parameters:` (rest_definition_parser.cpp), then
// volatile_fields against the definition's (`fields`: the source's keys).
void read_declarative(const ParseContext& context, const std::vector<Field>& fields, SourceConfig& source);

// `field` is null when the file has no `defaults:`.
Defaults parse_defaults(const ParseContext& context, const Field* field, std::span<const SourceTypeSchema> types);

// One entry of `sources:`: name (unique among `earlier`), type and url first, then every
// other key.
SourceConfig parse_source(const ParseContext& context, const YAML::Node& node, std::size_t index,
                          const Defaults& defaults, std::span<const SourceTypeSchema> types,
                          std::span<const SourceConfig> earlier);

}  // namespace rosterd::config
