#pragma once
// The one table of source types. Adding a vendor adds a row here and a folder
// beside this file; nothing else in rosterd learns its name.

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "model/user_parts.hpp"
#include "sources/source.hpp"

namespace rosterd::sources {

struct SourceType {
  // Everything config::load_config checks about a source of the type: its keys, their
  // kinds and ranges, its credentials, its datasets.
  config::SourceTypeSchema schema;
  // Reads the vendor settings, which the schema declares and the loader has checked.
  std::unique_ptr<Source> (*create)(const config::SourceConfig& config);
  // Goes up when a release reads more of the vendor's records (a new column, a field
  // that was dropped before): the first run after the upgrade records the fields that
  // appear as a first fill, not as vendor changes (model/field_policy.hpp).
  int reader_version = 1;
  // The user columns that a per-user dataset (user_stats) supplies rather than the
  // users listing: each dataset writes only its own part of a user.
  model::InfoColumns info_columns = model::InfoColumns::none();
};

// The built-in types, one row per vendor.
std::span<const SourceType> source_types();

// The row of `type` in `types` (the built-in ones when not given); null when none.
const SourceType* find_source_type(std::span<const SourceType> types, std::string_view type);
const SourceType* find_source_type(std::string_view type);

// The schemas of `types` (the built-in ones when not given), for config::load_config.
std::vector<config::SourceTypeSchema> source_schemas(std::span<const SourceType> types);
std::vector<config::SourceTypeSchema> source_schemas();

// A source of one of the built-in types. Throws config::ConfigError.
std::unique_ptr<Source> create_source(const config::SourceConfig& config);

}  // namespace rosterd::sources
