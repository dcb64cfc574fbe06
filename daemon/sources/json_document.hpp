#pragma once
// One vendor response body as JSON: the body (JsonBody), its parser
// (JsonDocumentParser) and the text some vendors send before the document.

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace rosterd::sources {

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

// Text before the JSON document: CrocoDial's PHP warnings (docs/vendor-facts.md 1.2).
// Returns the offset of the document that ends the body (0 when the body starts
// with JSON, or no such document is found). Text is only skipped when the body
// does not itself start with '{' or '[', and never when it ends like the inside of
// a JSON document (',', ':', '[' or '{'), so a truncated body is never "repaired"
// into one of its nested objects.
std::size_t leading_garbage_length(std::string_view body);

}  // namespace rosterd::sources
