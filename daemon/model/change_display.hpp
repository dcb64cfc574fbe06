#pragma once
// How a value of the changes table, and the label of a record, are shown to a
// person: in change log lines, dry runs and the reporting commands alike.

#include <optional>
#include <string>
#include <string_view>

namespace rosterd::model {

// Fields whose values the changes table holds as JSON text: active (1/0),
// portfolios and attributes.<key>; the others are plain text.
bool is_json_field(std::string_view field);

// A value for a terminal: `null`, a quoted text column, or the stored JSON of a
// JSON field or of a whole-record snapshot (no field), terminal-safe.
std::string display_value(const std::optional<std::string>& field, const std::optional<std::string>& value);

// " (label)", quoted unless it is plain; empty without a label.
std::string label_part(const std::optional<std::string>& label);

}  // namespace rosterd::model
