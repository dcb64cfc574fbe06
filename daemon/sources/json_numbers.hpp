#pragma once
// Numbers beyond 64 bits in vendor bodies.
//
// simdjson 3.0.1's DOM parser has no type for a number that fits neither an int64,
// a uint64 nor a finite double (18446744073709551617, -99999999999999999999, 1e400):
// it fails the whole document with NUMBER_ERROR ("Problem while parsing a number"),
// which would block a source until the vendor changed the value. Such a number is
// valid JSON, so JsonDocumentParser parses, on that error only, a copy of the body in
// which each such number is quoted: its value becomes a JSON string holding the
// number's text exactly as sent (every digit, sign and exponent), which SQLite's JSON
// functions read without rounding.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rosterd::sources {

// A copy of `body` in which every number that simdjson refuses although it is a
// valid JSON number (RFC 8259 grammar) is enclosed in double quotes, with at least
// SIMDJSON_PADDING bytes of spare capacity (for parsing in place). Only numbers in
// a value position are quoted (the document's root, an object member's value, an
// array element), never anything in a key position, so a document that was malformed
// stays malformed. nullopt when there is no such number, or when the body's nesting
// is deeper than `max_depth` or unbalanced (the body fails as it did).
std::optional<std::string> quote_wide_numbers(std::string_view body, std::size_t max_depth);

// Whether `token` is one JSON number by RFC 8259's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
[[nodiscard]] bool is_json_number(std::string_view token) noexcept;

}  // namespace rosterd::sources
