#pragma once
// How the vendor parsers name what is wrong in a body without quoting it: a
// JSON-path-like location, the type found, what a body that is not JSON looks like,
// and one log-safe line of vendor text.

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace rosterd::sources {

// The bytes JSON counts as whitespace between tokens (RFC 8259).
inline constexpr std::string_view k_json_space = " \t\r\n";

// A parse error with a JSON-path-like location, e.g. "data.user_list[17].user_id: expected a number or string, got
// array".
core::Error parse_error(std::string_view path, std::string_view problem);

// "data" + "user_list" -> "data.user_list"; "data.user_list" + 17 -> "data.user_list[17]".
std::string child_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

std::string_view type_name(simdjson::dom::element_type type) noexcept;

// A key as it may appear in a path or message: control bytes replaced by '?', cut
// after 64 bytes (then "..." follows).
std::string printable_key(std::string_view key);

// What a body that is not the expected JSON looks like, without quoting it:
// "empty body", "HTML page (1234 bytes)", "non-JSON body (12 bytes)".
std::string describe_body(std::string_view body);

// One short line of vendor text (an error message, a PHP warning) that is safe to
// log: HTML tags removed, the first non-empty line only, control bytes replaced,
// cut at max_bytes on a UTF-8 boundary, registered secrets masked.
std::string safe_excerpt(std::string_view text, std::size_t max_bytes = 160);

}  // namespace rosterd::sources
