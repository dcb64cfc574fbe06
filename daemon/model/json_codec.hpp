#pragma once
// Reads back what canonical.hpp writes: the stored `attributes` object and
// `portfolios` array. Values are kept as the exact text stored, so that a record
// read from the database compares byte-for-byte with a freshly parsed one (a
// re-serialization could reformat a number and report a change that never happened).

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/user.hpp"

namespace rosterd::model {

class JsonCodecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// {"key":<value>,...} -> key -> raw value text. Throws JsonCodecError.
Attributes parse_attributes_json(std::string_view json);

// ["a","b"] -> {"a","b"}. Throws JsonCodecError.
std::vector<std::string> parse_string_array_json(std::string_view json);

}  // namespace rosterd::model
