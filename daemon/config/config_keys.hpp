#pragma once
// The one table of the configuration file's keys (after fluent-bit's config_map): where
// each key is written, what its value is, its default and what it does. The parser's
// lists of known keys come from it (config_parser.cpp, source_parser.cpp,
// rest_definition_parser.cpp, rest_reader*.cpp), and so does the reference page
// rosterd.yaml(5): a key the parser accepts cannot lack its documentation. The vendor
// keys are the source types' own (SourceTypeSchema::settings, sources/registry.cpp).
//
// A new top-level key is a row of map "" (and a map of its own for the keys under it);
// the parser then accepts it, and reads it where config_parser.cpp says.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::config {

// What a key of a source is, for the source parser; every other key is `plain`.
enum class KeyRole {
  plain,
  identity,     // name, type, url: every source sets its own, read first
  shared,       // also a default: `defaults:` sets it for every source whose type takes it
  source_only,  // never a default: its value depends on the source's type
  declarative,  // a declarative type's source only (definition, parameters)
};

struct ConfigKey {
  // Where the key is written: "" is the top level, "sources[]" a source, "definition.auth"
  // the auth map of a rest definition. NAME and COLUMN stand for names the file chooses.
  std::string_view map;
  std::string_view key;
  std::string_view value;          // what the value is: "duration", "whole number 1..256", ...
  std::string_view default_value;  // as written in the file; empty: none (see help)
  std::string_view help;
  KeyRole role = KeyRole::plain;
  // In a map whose `type:` decides its other keys: the types that take the key,
  // separated by spaces. Empty: every type.
  std::string_view only_for = {};
};

std::span<const ConfigKey> config_keys();

// The keys of `map` in the table's order, each once; with `variant`, only those whose
// `only_for` is empty or names it.
std::vector<std::string> keys_of(std::string_view map, std::string_view variant = {});
// The keys of `map` that have `role`.
std::vector<std::string> keys_of(std::string_view map, KeyRole role);
// Every map of the table, in the order it first appears.
std::vector<std::string_view> config_maps();

// The maps of a few keys, as the parsers name them.
inline constexpr std::string_view k_top_level = "";
inline constexpr std::string_view k_source_map = "sources[]";

}  // namespace rosterd::config
