#pragma once
// Helpers shared by the vendor parsers (<vendor>_json.cpp). They are strict:
// every value is checked, and anything that is not the documented shape is an
// error rather than a skipped field (docs/reliability.md: a tolerant loop turns a
// truncated page into a shorter listing, which later looks like removals).

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"

namespace rosterd::sources {

// Which vendor fields never leave the parser: names containing pass/secret/token
// (any case), plus the source's configured drop_fields (exact names).
class FieldFilter {
 public:
  FieldFilter() = default;
  explicit FieldFilter(std::vector<std::string> drop_fields);
  [[nodiscard]] bool drops(std::string_view field_name) const;

 private:
  std::set<std::string, std::less<>> m_drop;
};

// A body to parse: its bytes, and whether SIMDJSON_PADDING allocated bytes follow
// them. A std::string with that much spare capacity (every http::Response body from
// libcurl has it, http_client.hpp) is parsed where it lies; any other text is first
// copied by simdjson into a padded buffer of the parser's own, as large as the body.
// Any part of a padded body is padded too: what follows it is the body's own bytes
// or its padding. Converts implicitly, so parsers take a std::string, a
// std::string_view or a literal alike.
class JsonBody : public std::string_view {
 public:
  JsonBody(const std::string& text) noexcept
      : std::string_view(text), m_padded(text.capacity() - text.size() >= simdjson::SIMDJSON_PADDING) {}
  JsonBody(std::string_view text) noexcept : std::string_view(text) {}
  JsonBody(const char* text) noexcept : std::string_view(text) {}

  [[nodiscard]] bool padded() const noexcept { return m_padded; }
  // Like std::string_view::substr, keeping the padding.
  [[nodiscard]] JsonBody substr(size_type position, size_type count = npos) const {
    JsonBody part(std::string_view::substr(position, count));
    part.m_padded = m_padded;
    return part;
  }

 private:
  bool m_padded = false;
};

// Wraps one simdjson DOM parser (reused across pages). The DOM API validates the
// whole document, rejects trailing content and dispatches its SIMD kernel at run
// time (docs/reliability.md).
//
// A valid number that no 64-bit type holds (18446744073709551617, 1e400) does not
// fail the document: it reads as a string holding the number's text exactly as sent
// (json_numbers.hpp). An id that is such a number is therefore its digits, and an
// attribute stores it as a JSON string.
class JsonDocumentParser {
 public:
  // Vendor documents nest a few levels; anything deeper is not a user listing, and
  // the bound keeps the recursive canonicalization's stack use small.
  static constexpr std::size_t k_max_depth = 64;

  explicit JsonDocumentParser(std::size_t max_bytes = 256u << 20);
  // The element stays valid until the next parse() on this object (the body need
  // not outlive the call). Errors: ErrorKind::parse (naming what the body looks
  // like, never quoting it) or ErrorKind::too_large.
  core::Result<simdjson::dom::element> parse(JsonBody body);

  // Whether the last parse() read the body where it lies, without a copy.
  [[nodiscard]] bool parsed_in_place() const noexcept { return m_in_place; }

 private:
  core::Error failure(simdjson::error_code code, std::string_view body) const;

  simdjson::dom::parser m_parser;
  bool m_in_place = false;
};

// A parse error with a JSON-path-like location, e.g. "data.user_list[17].user_id: expected a number or string, got
// array".
core::Error parse_error(std::string_view path, std::string_view problem);

// "data" + "user_list" -> "data.user_list"; "data.user_list" + 17 -> "data.user_list[17]".
std::string child_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

std::string_view type_name(simdjson::dom::element_type type) noexcept;

// What a body that is not the expected JSON looks like, without quoting it:
// "empty body", "HTML page (1234 bytes)", "non-JSON body (12 bytes)".
std::string describe_body(std::string_view body);

// One short line of vendor text (an error message, a PHP warning) that is safe to
// log: HTML tags removed, the first non-empty line only, control bytes replaced,
// cut at max_bytes on a UTF-8 boundary, registered secrets masked.
std::string safe_excerpt(std::string_view text, std::size_t max_bytes = 160);

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

// Canonical JSON for an attribute value: objects with keys sorted and filtered
// fields removed (at every depth), no whitespace. A duplicate key in an object is
// an error (simdjson would silently pick one). Strings are kept byte for byte.
core::Result<std::string> canonical_json(simdjson::dom::element value, const FieldFilter& filter,
                                         std::string_view path);

// Every field of `object` not in `consumed` and not dropped by `filter`, as
// attributes named key_prefix + key. Also rejects duplicate keys.
core::Result<model::Attributes> collect_attributes(simdjson::dom::object object,
                                                   std::span<const std::string_view> consumed,
                                                   const FieldFilter& filter, std::string_view path,
                                                   std::string_view key_prefix = {});

// Reads one vendor record (a JSON object): fields taken for normalized columns are
// remembered, and rest() returns everything else as attributes. A field dropped by
// the filter reads as absent, so drop_fields also empties a normalized column.
class RecordReader {
 public:
  // Fails when `value` is not an object or has a duplicate key.
  // The reader keeps a reference to `filter`.
  static core::Result<RecordReader> open(simdjson::dom::element value, std::string path, const FieldFilter& filter);
  static core::Result<RecordReader> open(simdjson::dom::element, std::string, const FieldFilter&&) = delete;

  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] std::string field_path(std::string_view key) const { return child_path(m_path, key); }

  // The field's value (nullopt when absent or filtered); marks it consumed.
  std::optional<simdjson::dom::element> take(std::string_view key);
  // A required id (see id_text).
  core::Result<std::string> take_id(std::string_view key);
  // scalar_text of the field; absent -> nullopt.
  core::Result<std::optional<std::string>> take_text(std::string_view key);
  // flag_value of the field; absent -> nullopt.
  core::Result<std::optional<bool>> take_flag(std::string_view key);

  // scalar_text of the field without consuming it (it stays in rest()); for a
  // fallback source of a column that is also a fact of its own.
  core::Result<std::optional<std::string>> peek_text(std::string_view key) const;

  // The fields not taken, as attributes named key_prefix + key.
  core::Result<model::Attributes> rest(std::string_view key_prefix = {}) const;

 private:
  RecordReader(simdjson::dom::object object, std::string path, const FieldFilter& filter)
      : m_object(object), m_path(std::move(path)), m_filter(&filter) {}

  simdjson::dom::object m_object;
  std::string m_path;
  const FieldFilter* m_filter;
  // Keys of the fields taken, as views into the parsed document (valid while it is).
  std::vector<std::string_view> m_taken;
};

// Text before the JSON document: CrocoDial's PHP warnings (docs/vendor-facts.md 1.2).
// Returns the offset of the document that ends the body (0 when the body starts
// with JSON, or no such document is found). Text is only skipped when the body
// does not itself start with '{' or '[', and never when it ends like the inside of
// a JSON document (',', ':', '[' or '{'), so a truncated body is never "repaired"
// into one of its nested objects.
std::size_t leading_garbage_length(std::string_view body);

}  // namespace rosterd::sources
