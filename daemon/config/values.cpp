#include "config/values.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "config/yaml_fields.hpp"
#include "core/duration.hpp"

namespace rosterd::config {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::uint64_t amount = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc{} || ptr == text.data()) return std::nullopt;
  std::string_view suffix = text.substr(static_cast<std::size_t>(ptr - text.data()));
  while (suffix.starts_with(' ')) suffix.remove_prefix(1);
  static constexpr std::pair<std::string_view, std::uint64_t> k_units[] = {
      {"", 1},          {"KB", 1000},     {"MB", 1000'000}, {"GB", 1000'000'000},
      {"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
  };
  for (const auto& [unit, factor] : k_units) {
    if (!iequals(suffix, unit)) continue;
    if (amount > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
    return amount * factor;
  }
  return std::nullopt;
}

bool is_valid_source_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string url_problem(std::string_view url) {
  std::string_view rest;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.size() >= scheme.size() && iequals(url.substr(0, scheme.size()), scheme)) rest = url.substr(scheme.size());
  }
  if (rest.data() == nullptr) return "must start with http:// or https://";
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) return "must not contain whitespace";
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // Credentials in a URL end up wherever the URL is shown; vendors get them from their keys.
  if (authority.find('@') != std::string_view::npos) return "must not contain user:password@ (use the source's keys)";
  if (authority.empty() || authority.starts_with(':')) return "has no host";
  return {};
}

std::string quoted(const Text& text) {
  if (!text.has_reference) return fmt::format("\"{}\"", text.value);
  return fmt::format("\"{}\" (from {})", text.value, text.raw);
}

std::chrono::milliseconds positive_duration_value(const ParseContext& context, const Field& field) {
  const Text text = string_value(context, field, Secrecy::plain);
  const auto duration = core::parse_duration(text.value);
  if (!duration) fail(field, fmt::format("{} is not a duration (use 30s, 5m, 1h or seconds)", quoted(text)));
  if (duration->count() <= 0) fail(field, fmt::format("{} must be greater than 0", quoted(text)));
  return *duration;
}

long long integer_value(const ParseContext& context, const Field& field, long long min, long long max) {
  const Text text = string_value(context, field, Secrecy::plain);
  const auto value = parse_integer(text.value);
  if (!value) fail(field, fmt::format("{} is not a whole number", quoted(text)));
  if (*value < min || *value > max) fail(field, fmt::format("{} is out of range ({}..{})", quoted(text), min, max));
  return *value;
}

double number_value(const ParseContext& context, const Field& field, double min, double max) {
  const Text text = string_value(context, field, Secrecy::plain);
  const auto value = parse_number(text.value);
  if (!value) fail(field, fmt::format("{} is not a number", quoted(text)));
  if (*value < min || *value > max) fail(field, fmt::format("{} is out of range ({}..{})", quoted(text), min, max));
  return *value;
}

std::uint64_t byte_size_value(const ParseContext& context, const Field& field) {
  const Text text = string_value(context, field, Secrecy::plain);
  const auto value = parse_byte_size(text.value);
  if (!value) fail(field, fmt::format("{} is not a size (use bytes, or KB, MB, GB, KiB, MiB, GiB)", quoted(text)));
  if (*value == 0) fail(field, fmt::format("{} must be greater than 0", quoted(text)));
  return *value;
}

}  // namespace rosterd::config
