// getAllPortfolios and getAllProfiles (CrocoDial's users API pages; both
// are CrocoDial additions that upstream goAPIv2 lacks, docs/vendor-facts.md 1).

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

#include "sources/crocodial/crocodial_json.hpp"

namespace rosterd::sources::crocodial {
namespace {

using simdjson::dom::element;

// data[] of objects, each -> key (key_field), name (name_field), the rest as attributes.
core::Result<std::vector<model::NamedEntity>> read_entities(const Envelope& envelope, std::string_view key_field,
                                                            std::string_view name_field, const FieldFilter& filter) {
  auto data = find_field(envelope.root, "data");
  if (!data) return parse_error("data", "missing");
  auto array = as_array(*data, "data");
  if (!array) return std::move(array).error();
  std::vector<model::NamedEntity> entities;
  std::map<std::string, std::size_t, std::less<>> seen;
  std::size_t index = 0;
  for (auto item : *array) {
    auto reader = RecordReader::open(item, index_path("data", index++), filter);
    if (!reader) return std::move(reader).error();
    model::NamedEntity entity;
    auto key = reader->take_id(key_field);
    if (!key) return std::move(key).error();
    entity.key = std::move(*key);
    auto name = reader->take_text(name_field);
    if (!name) return std::move(name).error();
    entity.name = std::move(*name);
    auto attributes = reader->rest();
    if (!attributes) return std::move(attributes).error();
    entity.attributes = std::move(*attributes);
    if (!seen.emplace(entity.key, entities.size()).second) {
      return core::Error{core::ErrorKind::incomplete,
                         fmt::format("{}: duplicate {} {}", reader->field_path(key_field), key_field, entity.key)};
    }
    entities.push_back(std::move(entity));
  }
  return entities;
}

// profiles.rows[]: the table the web UI renders. Its fields other than the key,
// the name (already in data[]) and the HTML edit button join the profile's
// attributes; a row for a profile that data[] does not list is an inconsistency.
core::Status merge_profile_rows(const Envelope& envelope, const FieldFilter& filter,
                                std::vector<model::NamedEntity>& profiles) {
  auto table_value = find_field(envelope.root, "profiles");
  if (!table_value || table_value->type() == simdjson::dom::element_type::NULL_VALUE) return {};
  auto table = RecordReader::open(*table_value, "profiles", filter);
  if (!table) return std::move(table).error();
  auto rows_value = table->take("rows");
  if (!rows_value) return {};
  auto rows = as_array(*rows_value, "profiles.rows");
  if (!rows) return std::move(rows).error();
  std::map<std::string, model::NamedEntity*, std::less<>> by_key;
  for (auto& profile : profiles) by_key.emplace(profile.key, &profile);
  std::set<std::string, std::less<>> merged;
  std::size_t index = 0;
  for (auto item : *rows) {
    auto row = RecordReader::open(item, index_path("profiles.rows", index++), filter);
    if (!row) return std::move(row).error();
    auto key = row->take_id("profile_id");
    if (!key) return std::move(key).error();
    (void)row->take("profile_name");
    (void)row->take("action");
    auto attributes = row->rest();
    if (!attributes) return std::move(attributes).error();
    const auto target = by_key.find(*key);
    if (target == by_key.end()) {
      return core::Error{core::ErrorKind::incomplete,
                         fmt::format("{}: profile {} is not in data[]", row->field_path("profile_id"), *key)};
    }
    if (!merged.insert(*key).second) {
      return core::Error{core::ErrorKind::incomplete,
                         fmt::format("{}: second row for profile {}", row->field_path("profile_id"), *key)};
    }
    target->second->attributes.merge(*attributes);  // data[]'s own fields win on a clash
  }
  return {};
}

}  // namespace

core::Result<EntityListing> parse_portfolios(JsonBody body, JsonDocumentParser& parser,
                                             const FieldFilter& filter) {
  auto envelope = parse_envelope(body, parser);
  if (!envelope) return std::move(envelope).error();
  EntityListing out;
  out.warnings = std::move(envelope->warnings);
  if (envelope->no_rows) return out;
  auto entities = read_entities(*envelope, "portfolio", "portfolio_name", filter);
  if (!entities) return std::move(entities).error();
  out.entities = std::move(*entities);
  return out;
}

core::Result<EntityListing> parse_profiles(JsonBody body, JsonDocumentParser& parser,
                                           const FieldFilter& filter) {
  auto envelope = parse_envelope(body, parser);
  if (!envelope) return std::move(envelope).error();
  EntityListing out;
  out.warnings = std::move(envelope->warnings);
  if (envelope->no_rows) return out;
  auto entities = read_entities(*envelope, "profile_id", "profile_name", filter);
  if (!entities) return std::move(entities).error();
  if (auto merged = merge_profile_rows(*envelope, filter, *entities); !merged) return std::move(merged).error();
  out.entities = std::move(*entities);
  return out;
}

}  // namespace rosterd::sources::crocodial
