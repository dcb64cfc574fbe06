#include "sources/json_numbers.hpp"

#include <simdjson.h>

#include <utility>
#include <vector>

namespace rosterd::sources {
namespace {

// What ends a number (or any other bare token) for simdjson: whitespace, a
// structural character or a quote.
constexpr std::string_view k_token_end = " \t\r\n,:[]{}\"";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_digits(std::string_view text, std::size_t at) {
  while (at < text.size() && is_digit(text[at])) ++at;
  return at;
}

// Only a number this long, or one with an exponent, can be out of range: 18 digits
// fit an int64, and a decimal without an exponent of fewer than 19 characters is a
// finite double. Everything else needs no second look.
bool may_be_wide(std::string_view number) {
  return number.size() >= 19 || number.find_first_of("eE") != std::string_view::npos;
}

// simdjson itself decides which numbers it cannot hold, so that exactly the numbers
// that failed the document are quoted (1e-400, which it reads as 0, is left alone).
bool refused_by_simdjson(simdjson::dom::parser& checker, std::string_view number) {
  return checker.parse(number.data(), number.size(), true).error() == simdjson::NUMBER_ERROR;
}

// The offset just after the string that opens at `at` (a quote), or npos when it
// does not end. A backslash escapes the byte after it, whatever that is.
std::size_t string_end(std::string_view body, std::size_t at) {
  for (std::size_t i = at + 1; i < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Tracks where values go: at the root, after ':', after '[', and after ',' in an
// array. After '{' and after ',' in an object a key goes, which is never quoted.
class Structure {
 public:
  explicit Structure(std::size_t max_depth) : m_max_depth(max_depth) {}

  [[nodiscard]] bool value_position() const {
    return m_previous == '\0' || m_previous == ':' || m_previous == '[' ||
           (m_previous == ',' && !m_open.empty() && m_open.back() == '[');
  }
  // False when the nesting is too deep or a bracket closes nothing.
  bool structural(char c) {
    m_previous = c;
    if (c == '{' || c == '[') {
      if (m_open.size() >= m_max_depth) return false;
      m_open.push_back(c);
    } else if (c == '}' || c == ']') {
      if (m_open.empty()) return false;
      m_open.pop_back();
    }
    return true;
  }
  void other(char last) { m_previous = last; }

 private:
  std::size_t m_max_depth;
  std::vector<char> m_open;
  char m_previous = '\0';  // the last byte outside strings that is not whitespace; NUL at the start
};

}  // namespace

bool is_json_number(std::string_view token) noexcept {
  std::size_t at = 0;
  if (at < token.size() && token[at] == '-') ++at;
  if (at == token.size()) return false;
  if (token[at] == '0') {
    ++at;
  } else if (is_digit(token[at])) {
    at = skip_digits(token, at);
  } else {
    return false;
  }
  if (at < token.size() && token[at] == '.') {
    const auto digits = ++at;
    at = skip_digits(token, at);
    if (at == digits) return false;
  }
  if (at < token.size() && (token[at] == 'e' || token[at] == 'E')) {
    ++at;
    if (at < token.size() && (token[at] == '+' || token[at] == '-')) ++at;
    const auto digits = at;
    at = skip_digits(token, at);
    if (at == digits) return false;
  }
  return at == token.size();
}

std::optional<std::string> quote_wide_numbers(std::string_view body, std::size_t max_depth) {
  std::vector<std::pair<std::size_t, std::size_t>> wide;  // [begin, end) of each number to quote
  Structure structure(max_depth);
  simdjson::dom::parser checker;
  for (std::size_t at = 0; at < body.size();) {
    const char c = body[at];
    if (is_space(c)) {
      ++at;
    } else if (c == '"') {
      at = string_end(body, at);
      if (at == std::string_view::npos) return std::nullopt;
      structure.other('"');
    } else if (k_token_end.find(c) != std::string_view::npos) {
      if (!structure.structural(c)) return std::nullopt;
      ++at;
    } else {
      const auto end = std::min(body.find_first_of(k_token_end, at), body.size());
      const auto token = body.substr(at, end - at);
      if (structure.value_position() && is_json_number(token) && may_be_wide(token) &&
          refused_by_simdjson(checker, token)) {
        wide.emplace_back(at, end);
      }
      structure.other(token.back());
      at = end;
    }
  }
  if (wide.empty()) return std::nullopt;
  std::string out;
  out.reserve(body.size() + 2 * wide.size() + simdjson::SIMDJSON_PADDING);
  std::size_t copied = 0;
  for (const auto& [begin, end] : wide) {
    out.append(body.substr(copied, begin - copied)).push_back('"');
    out.append(body.substr(begin, end - begin)).push_back('"');
    copied = end;
  }
  out.append(body.substr(copied));
  return out;
}

}  // namespace rosterd::sources
