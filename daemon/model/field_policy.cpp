#include "model/field_policy.hpp"

#include <algorithm>

#include "core/json_writer.hpp"

namespace rosterd::model {
namespace {

constexpr std::string_view k_attribute_prefix = "attributes.";

bool is_volatile_field(const FieldChange& change, const FieldPolicy& policy) {
  const std::string_view field = change.field;
  return field.starts_with(k_attribute_prefix) && policy.is_volatile(field.substr(k_attribute_prefix.size()));
}

}  // namespace

bool FieldPolicy::is_volatile(std::string_view attribute_key) const {
  return std::binary_search(volatile_attributes.begin(), volatile_attributes.end(), attribute_key);
}

FieldPolicy make_field_policy(std::vector<std::string> volatile_attributes, bool fill_absent_fields) {
  std::sort(volatile_attributes.begin(), volatile_attributes.end());
  volatile_attributes.erase(std::unique(volatile_attributes.begin(), volatile_attributes.end()),
                            volatile_attributes.end());
  return {std::move(volatile_attributes), fill_absent_fields};
}

SplitFields split_fields(std::vector<FieldChange> fields, const FieldPolicy& policy) {
  SplitFields out;
  for (auto& change : fields) {
    if (is_volatile_field(change, policy)) continue;
    const bool fill = policy.fill_absent_fields && !change.old_value && change.new_value;
    (fill ? out.filled : out.changes).push_back(std::move(change));
  }
  return out;
}

bool has_volatile_attributes(const User& user, const FieldPolicy& policy) {
  if (!policy.has_volatile()) return false;
  return std::any_of(policy.volatile_attributes.begin(), policy.volatile_attributes.end(),
                     [&](const std::string& key) { return user.attributes.contains(key); });
}

User without_volatile(const User& user, const FieldPolicy& policy) {
  User out = user;
  for (const auto& key : policy.volatile_attributes) out.attributes.erase(key);
  return out;
}

std::string filled_json(const std::vector<FieldChange>& filled) {
  core::JsonWriter out;
  out.begin_object();
  for (const auto& change : filled) {
    out.key(change.field);
    const std::string_view field = change.field;
    if (!change.new_value) {
      out.null();
    } else if (field.starts_with(k_attribute_prefix) || field == "portfolios" || field == "active") {
      out.raw(*change.new_value);  // already JSON: an attribute value, an array, 1 or 0
    } else {
      out.value(*change.new_value);
    }
  }
  out.end_object();
  return out.take();
}

}  // namespace rosterd::model
