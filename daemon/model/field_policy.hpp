#pragma once
// Which differences between two states of a user are history. Two kinds are not:
// - volatile fields: presence data that changes whenever an agent logs in (Class4
//   last_login_time, Smartflo agent.status, ...). They are kept current in `users`
//   but never make a version or a `changes` row, and history never stores them.
// - a first fill: a field that was absent and now has a value, in the first run after
//   an upgrade made rosterd read more of the vendor's record (or, for CrocoDial's
//   getUserInfo part, a user whose part was never read). It is data rosterd never had,
//   not a vendor change: one `filled` version and one `filled` changes row, not a
//   "null -> value" row per field.

#include <string>
#include <string_view>
#include <vector>

#include "model/diff.hpp"
#include "model/user.hpp"

namespace rosterd::model {

struct FieldPolicy {
  std::vector<std::string> volatile_attributes;  // attribute keys, sorted and unique
  bool fill_absent_fields = false;               // absent -> value is a fill, not a change

  [[nodiscard]] bool is_volatile(std::string_view attribute_key) const;
  [[nodiscard]] bool has_volatile() const { return !volatile_attributes.empty(); }
};

// Sorts and removes duplicates.
FieldPolicy make_field_policy(std::vector<std::string> volatile_attributes, bool fill_absent_fields = false);

// A diff split by the policy: volatile fields dropped, fills apart from changes.
struct SplitFields {
  std::vector<FieldChange> changes;
  std::vector<FieldChange> filled;
};
SplitFields split_fields(std::vector<FieldChange> fields, const FieldPolicy& policy);

// Whether `user` holds any volatile attribute.
bool has_volatile_attributes(const User& user, const FieldPolicy& policy);
// The user as history stores it: without its volatile attributes.
User without_volatile(const User& user, const FieldPolicy& policy);

// The `changes` row of a fill: a JSON object from field name to the filled value
// ({"email":"a@x.com","attributes.tenant":"T","active":1}): text as a string, active as
// a number, attribute values and portfolios as the JSON they are.
std::string filled_json(const std::vector<FieldChange>& filled);

}  // namespace rosterd::model
