#include "model/normalize.hpp"

#include <algorithm>

namespace rosterd::model {

std::string_view trim(std::string_view text) noexcept {
  constexpr std::string_view k_space = " \t\r\n\v\f";
  const auto first = text.find_first_not_of(k_space);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(k_space);
  return text.substr(first, last - first + 1);
}

std::optional<std::string> text_or_null(std::string_view text) {
  const auto trimmed = trim(text);
  if (trimmed.empty()) return std::nullopt;
  std::string out(trimmed);
  // U+0000 (JSON "\u0000") cannot be stored in PostgreSQL's text type, and C programs
  // reading SQLite stop at it: both engines store the replacement character instead.
  for (auto at = out.find('\0'); at != std::string::npos; at = out.find('\0', at + k_replacement.size())) {
    out.replace(at, 1, k_replacement);
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> normalize_email(std::string_view text) {
  auto value = text_or_null(text);
  if (value) *value = ascii_lower(*value);
  return value;
}

std::optional<std::string> normalize_role(std::string_view text) { return normalize_email(text); }

std::optional<std::string> join_name(const std::optional<std::string>& first, const std::optional<std::string>& last) {
  if (first && last) return *first + " " + *last;
  if (first) return first;
  return last;
}

std::optional<bool> parse_active_flag(std::string_view text) {
  const auto value = ascii_lower(trim(text));
  if (value == "y" || value == "yes" || value == "true" || value == "1") return true;
  if (value == "n" || value == "no" || value == "false" || value == "0") return false;
  return std::nullopt;
}

bool looks_like_email(std::string_view text) noexcept {
  const auto at = text.find('@');
  if (at == 0 || at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) return false;
  const auto domain = text.substr(at + 1);
  const auto dot = domain.find('.');
  return dot != std::string_view::npos && dot != 0 && dot + 1 < domain.size() &&
         text.find_first_of(" \t") == std::string_view::npos;
}

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace rosterd::model
