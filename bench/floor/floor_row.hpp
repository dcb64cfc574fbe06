#pragma once
// One listed item as the floor stores it: the columns rosterd normalizes (taken from the
// same vendor fields, README "Vendors"), and every other field in `attributes` as JSON,
// secret-named fields dropped as rosterd drops them. No trimming, case folding or
// flattening: the floor is what a sync costs at the least.

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "floor/listing.hpp"

namespace rosterd::bench {

struct FloorRow {
  std::string external_id;
  std::optional<std::string_view> username, full_name, email, phone, extension, role, user_group;
  std::optional<bool> active;
  std::string attributes;   // a JSON object
  std::string joined_name;  // storage for a full name made of first and last name
};

// Fills `row` from a listed item (views into the parsed page); std::runtime_error
// when the item has no id.
void fill_row(Vendor vendor, simdjson::dom::object item, FloorRow& row);

}  // namespace rosterd::bench
