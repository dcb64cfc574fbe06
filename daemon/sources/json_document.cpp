#include "sources/json_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "http/http_client.hpp"
#include "sources/json_errors.hpp"
#include "sources/json_numbers.hpp"

namespace rosterd::sources {
namespace {

using simdjson::dom::element;


// Response bodies come with the spare capacity simdjson reads past their end.
static_assert(http::k_body_padding >= simdjson::SIMDJSON_PADDING);

}  // namespace

JsonDocumentParser::JsonDocumentParser(std::size_t max_bytes) : m_parser(max_bytes) {
  // Failure here (out of memory) is retried, and reported, by parse().
  [[maybe_unused]] const auto ignored = m_parser.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, k_max_depth);
}

core::Result<element> JsonDocumentParser::parse(JsonBody body) {
  m_in_place = false;
  if (body.size() > m_parser.max_capacity()) {
    return core::Error{core::ErrorKind::too_large, fmt::format("response body of {} bytes is over the {}-byte limit",
                                                               body.size(), m_parser.max_capacity())};
  }
  if (m_parser.max_depth() != k_max_depth &&
      m_parser.allocate(std::max(body.size(), simdjson::dom::MINIMAL_DOCUMENT_CAPACITY), k_max_depth)) {
    return core::Error{core::ErrorKind::internal, "cannot allocate the JSON parser"};
  }
  // A padded body is read where it lies; otherwise simdjson copies it into a padded
  // buffer of its own (which it keeps, as large as the largest body copied).
  auto result = m_parser.parse(body.data(), body.size(), !body.padded());
  if (!result.error()) {
    m_in_place = body.padded();
    return result.value_unsafe();
  }
  const auto code = result.error();
  if (code == simdjson::NUMBER_ERROR) {
    // On this error only: a valid number beyond 64 bits becomes its text. When the
    // copy does not parse either, the body was malformed: it fails as it always did.
    if (const auto quoted = quote_wide_numbers(body, k_max_depth)) {
      auto again = m_parser.parse(quoted->data(), quoted->size(), false);  // quoted copies are padded
      if (!again.error()) return again.value_unsafe();
    }
  }
  return failure(code, body);
}

core::Error JsonDocumentParser::failure(simdjson::error_code code, std::string_view body) const {
  if (code == simdjson::CAPACITY) {
    return core::Error{core::ErrorKind::too_large, fmt::format("response body of {} bytes is too large", body.size())};
  }
  if (code == simdjson::DEPTH_ERROR) {
    return core::Error{core::ErrorKind::parse,
                       fmt::format("JSON nested deeper than {} levels ({} bytes)", k_max_depth, body.size())};
  }
  const auto first = body.find_first_not_of(k_json_space);
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) {
    return core::Error{core::ErrorKind::parse, fmt::format("expected a JSON document, got {}", describe_body(body))};
  }
  return core::Error{core::ErrorKind::parse, fmt::format("invalid or truncated JSON ({}) in a {}-byte body",
                                                         simdjson::error_message(code), body.size())};
}

std::size_t leading_garbage_length(std::string_view body) {
  const auto first = body.find_first_not_of(k_json_space);
  const auto last = body.find_last_not_of(k_json_space);
  if (first == std::string_view::npos || body[first] == '{' || body[first] == '[') return 0;
  if (body[last] != '}' && body[last] != ']') return 0;
  // Walk back from the final bracket to the one that opens it. In valid JSON a
  // quote inside a string is preceded by an odd number of backslashes.
  std::vector<char> open;
  bool in_string = false;
  for (std::size_t i = last + 1; i-- > first;) {
    const char c = body[i];
    if (in_string) {
      if (c != '"') continue;
      std::size_t slashes = 0;
      while (i > slashes && body[i - slashes - 1] == '\\') ++slashes;
      in_string = slashes % 2 == 1;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '}' || c == ']') {
      open.push_back(c == '}' ? '{' : '[');
    } else if (c == '{' || c == '[') {
      if (open.empty() || open.back() != c) return 0;
      open.pop_back();
      if (!open.empty()) continue;
      const auto before = body.find_last_not_of(k_json_space, i - 1);
      if (before != std::string_view::npos && std::string_view(",:[{").find(body[before]) != std::string_view::npos) {
        return 0;
      }
      return i;
    }
  }
  return 0;
}

}  // namespace rosterd::sources
