#pragma once
// Reading one JSON value of a vendor body, strictly: the expected type or an error
// naming the value's path (json_errors.hpp), never a skipped field.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace rosterd::sources {

// The value of `key` in `object`, or nullopt when absent. Call check_unique_keys first.
std::optional<simdjson::dom::element> find_field(simdjson::dom::object object, std::string_view key);

core::Result<simdjson::dom::object> as_object(simdjson::dom::element value, std::string_view path);
core::Result<simdjson::dom::array> as_array(simdjson::dom::element value, std::string_view path);
// An integral number (a float with a fraction, or out of int64 range, is an error).
core::Result<std::int64_t> as_integer(simdjson::dom::element value, std::string_view path);

// An error naming `path` (never quoting the value) when `value` holds a control
// byte. For vendor text that is a token sent back in an HTTP header (CR LF would
// start a header of its own, NUL would cut it) or that log lines print unquoted (a
// line break would forge a line). Found by fuzzing (tests/fuzz).
core::Status reject_control_characters(std::string_view value, std::string_view path);

// Fails on a key that occurs twice in `object` (simdjson keeps both; lookups would
// silently pick the first).
core::Status check_unique_keys(simdjson::dom::object object, std::string_view path);

// An id given as a number or a string (both occur, docs/vendor-facts.md 1.3), as text.
// Empty, null, any other type, or a string with a control character is an error.
core::Result<std::string> id_text(simdjson::dom::element value, std::string_view path);

// A scalar as normalized text: strings trimmed (empty -> nullopt), numbers in
// their shortest form, booleans "true"/"false", null -> nullopt. Arrays and
// objects are an error.
core::Result<std::optional<std::string>> scalar_text(simdjson::dom::element value, std::string_view path);

// An active flag: a boolean, or Y/N, yes/no, true/false, 1/0 as text or number;
// null -> nullopt. Anything else is an error.
core::Result<std::optional<bool>> flag_value(simdjson::dom::element value, std::string_view path);

}  // namespace rosterd::sources
