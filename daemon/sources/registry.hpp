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
  config::SourceTypeSchema schema;
  // Validates the vendor settings (throws config::ConfigError naming the key).
  std::unique_ptr<Source> (*create)(const config::SourceConfig& config);
  // Goes up when a release reads more of the vendor's records (a new column, a field
  // that was dropped before): the first run after the upgrade records the fields that
  // appear as a first fill, not as vendor changes (model/field_policy.hpp).
  int reader_version = 1;
  // The user columns that a per-user dataset (user_stats) supplies rather than the
  // users listing: each dataset writes only its own part of a user.
  model::InfoColumns info_columns = model::InfoColumns::none();
};

std::span<const SourceType> source_types();
const SourceType* find_source_type(std::string_view type);

// The schemas, for config::load_config.
std::vector<config::SourceTypeSchema> source_schemas();

// Throws config::ConfigError.
std::unique_ptr<Source> create_source(const config::SourceConfig& config);

}  // namespace rosterd::sources
