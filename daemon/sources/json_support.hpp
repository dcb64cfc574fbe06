#pragma once
// Helpers shared by the vendor parsers (<vendor>_json.cpp). They are strict:
// every value is checked, and anything that is not the documented shape is an
// error rather than a skipped field (RELIABILITY.md: a tolerant loop turns a
// truncated page into a shorter listing, which later looks like removals).

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

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

// Wraps one simdjson DOM parser (reused across pages). The DOM API validates the
// whole document, rejects trailing content and dispatches its SIMD kernel at run
// time (RELIABILITY.md).
class JsonDocumentParser {
 public:
  explicit JsonDocumentParser(std::size_t max_bytes = 256u << 20);
  // The element stays valid until the next parse() on this object.
  core::Result<simdjson::dom::element> parse(std::string_view body);

 private:
  simdjson::dom::parser m_parser;
};

// A parse error with a JSON-path-like location, e.g. "data.user_list[17].user_id: expected a number or string, got array".
core::Error parse_error(std::string_view path, std::string_view problem);

std::string_view type_name(simdjson::dom::element_type type) noexcept;

// An id given as a number or a string (both occur, vendor-facts 1.3), as text.
// Empty, null or any other type is an error.
core::Result<std::string> id_text(simdjson::dom::element value, std::string_view path);

// A scalar as normalized text: strings trimmed (empty -> nullopt), numbers in
// their shortest form, booleans "true"/"false", null -> nullopt. Arrays and
// objects are an error.
core::Result<std::optional<std::string>> scalar_text(simdjson::dom::element value, std::string_view path);

// Canonical JSON for an attribute value: objects with keys sorted and filtered
// fields removed (at every depth), no whitespace. A duplicate key in an object is
// an error (simdjson would silently pick one).
core::Result<std::string> canonical_json(simdjson::dom::element value, const FieldFilter& filter, std::string_view path);

// Every field of `object` not in `consumed` and not dropped by `filter`, as
// attributes. Also rejects duplicate keys.
core::Result<model::Attributes> collect_attributes(simdjson::dom::object object,
                                                   const std::set<std::string, std::less<>>& consumed,
                                                   const FieldFilter& filter, std::string_view path);

// Text before the first '{' or '[' that starts a complete document: CrocoDial's
// PHP warnings (vendor-facts 1.2). Returns the offset of the JSON (0 when none).
std::size_t leading_garbage_length(std::string_view body);

}  // namespace rosterd::sources
