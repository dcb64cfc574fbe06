#pragma once
// Field-level differences between two states of a record, in the form the
// `changes` table stores them: text columns as plain text, `active` as 1/0,
// `attributes.<key>` values as JSON text, `portfolios` as a JSON array.

#include <optional>
#include <string>
#include <vector>

#include "model/user.hpp"

namespace rosterd::model {

struct FieldChange {
  std::string field;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;

  bool operator==(const FieldChange&) const = default;
};

// Fields in schema order, then attributes by key, then portfolios.
std::vector<FieldChange> diff(const User& before, const User& after);
std::vector<FieldChange> diff(const NamedEntity& before, const NamedEntity& after);

std::optional<std::string> active_text(std::optional<bool> active);

}  // namespace rosterd::model
