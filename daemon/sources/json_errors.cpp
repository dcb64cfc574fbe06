#include "sources/json_errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/secrets.hpp"
#include "model/normalize.hpp"

namespace rosterd::sources {
namespace {

using simdjson::dom::element_type;

constexpr std::size_t k_max_key_in_message = 64;

}  // namespace

std::string printable_key(std::string_view key) {
  std::string out(key.substr(0, k_max_key_in_message));
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (key.size() > k_max_key_in_message) out += "...";
  return out;
}

core::Error parse_error(std::string_view path, std::string_view problem) {
  return core::Error{core::ErrorKind::parse, fmt::format("{}: {}", path.empty() ? "(document)" : path, problem)};
}

// Paths are built for every field read (errors must name them), so they are
// appended by hand: fmt's format-string parsing was a tenth of a resync's time.
std::string child_path(std::string_view parent, std::string_view key) {
  std::string out;
  out.reserve(parent.size() + 1 + std::min(key.size(), k_max_key_in_message + 3));
  out.append(parent);
  if (!parent.empty()) out.push_back('.');
  const auto start = out.size();
  out.append(key.substr(0, k_max_key_in_message));
  for (auto i = start; i < out.size(); ++i) {
    if (static_cast<unsigned char>(out[i]) < 0x20 || out[i] == 0x7f) out[i] = '?';
  }
  if (key.size() > k_max_key_in_message) out += "...";
  return out;
}

std::string index_path(std::string_view parent, std::size_t index) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, index).ptr;
  std::string out;
  out.reserve(parent.size() + 2 + static_cast<std::size_t>(end - digits));
  out.append(parent).push_back('[');
  out.append(digits, end).push_back(']');
  return out;
}

std::string_view type_name(element_type type) noexcept {
  switch (type) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
      return "integer";
    case element_type::DOUBLE:
      return "floating-point number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

std::string describe_body(std::string_view body) {
  const auto first = body.find_first_not_of(k_json_space);
  if (body.empty()) return "empty body";
  if (first == std::string_view::npos) return fmt::format("blank body ({} bytes)", body.size());
  const auto start = model::ascii_lower(body.substr(first, 5));
  if (start == "<?xml") return fmt::format("XML document ({} bytes)", body.size());
  if (start[0] == '<') return fmt::format("HTML page ({} bytes)", body.size());
  if (start[0] == '{' || start[0] == '[') return fmt::format("JSON of another shape ({} bytes)", body.size());
  return fmt::format("non-JSON text ({} bytes)", body.size());
}

std::string safe_excerpt(std::string_view text, std::size_t max_bytes) {
  std::string plain;
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') in_tag = true;
    if (!in_tag) plain.push_back(c);
    if (c == '>') in_tag = false;
  }
  std::string_view rest(plain);
  std::string_view line;
  while (!rest.empty() && line.empty()) {
    const auto end = rest.find('\n');
    line = model::trim(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  std::string out;
  for (char c : line) {
    const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    if (control || c == ' ') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (out.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 continuation byte
    out.resize(cut);
    out += "...";
  }
  return core::secrets().redact(out);
}

}  // namespace rosterd::sources
