// Vendor settings: what their schema declares them to be (SettingSpec), checked when the
// file is loaded, and the getters the sources read them with.

#include <fmt/format.h>

#include <cmath>

#include "config/config.hpp"
#include "config/values.hpp"
#include "core/duration.hpp"

namespace rosterd::config {
namespace {

// Quotes a setting's value in an error unless it is a credential.
std::string shown(const Setting& setting) {
  return setting.secret ? std::string{"the value"} : fmt::format("\"{}\"", setting.value);
}

[[noreturn]] void fail(const Setting& setting, std::string problem) {
  throw ConfigError(setting.location, setting.key_path, std::move(problem));
}

long long whole_number(const Setting& setting, long long min, long long max) {
  const auto value = parse_integer(setting.value);
  if (!value) fail(setting, fmt::format("{} is not a whole number", shown(setting)));
  if (*value < min || *value > max) fail(setting, fmt::format("{} is out of range ({}..{})", shown(setting), min, max));
  return *value;
}

double number(const Setting& setting, double min, double max, LowerBound lower) {
  const auto value = parse_number(setting.value);
  if (!value) fail(setting, fmt::format("{} is not a number", shown(setting)));
  const bool below = lower == LowerBound::exclusive ? *value <= min : *value < min;
  if (below || *value > max) {
    const std::string range = lower == LowerBound::exclusive ? fmt::format("more than {}, at most {}", min, max)
                                                             : fmt::format("{}..{}", min, max);
    fail(setting, fmt::format("{} is out of range ({})", shown(setting), range));
  }
  return *value;
}

std::chrono::milliseconds duration(const Setting& setting) {
  const auto value = core::parse_duration(setting.value);
  if (!value) fail(setting, fmt::format("{} is not a duration (use 30s, 5m, 1h or seconds)", shown(setting)));
  return *value;
}

}  // namespace

SettingSpec SettingSpec::documented(std::string default_text, std::string what) && {
  default_value = std::move(default_text);
  help = std::move(what);
  return std::move(*this);
}

SettingSpec text_setting(std::string key) { return {std::move(key)}; }

SettingSpec secret_setting(std::string key) {
  SettingSpec spec{std::move(key)};
  spec.secret = true;
  return spec;
}

SettingSpec whole_number_setting(std::string key, long long min, long long max) {
  return {std::move(key), ValueKind::whole_number, static_cast<double>(min), static_cast<double>(max),
          LowerBound::inclusive};
}

SettingSpec number_setting(std::string key, double min, double max, LowerBound lower) {
  return {std::move(key), ValueKind::number, min, max, lower};
}

SettingSpec duration_setting(std::string key) {
  return {std::move(key), ValueKind::duration, 0, 0, LowerBound::inclusive};
}

std::string describe_value(const SettingSpec& spec) {
  switch (spec.kind) {
    case ValueKind::text:
      return spec.secret ? "text, a credential" : "text";
    case ValueKind::whole_number:
      return fmt::format("whole number {}..{}", std::llround(spec.min), std::llround(spec.max));
    case ValueKind::number:
      return spec.lower == LowerBound::exclusive ? fmt::format("number, more than {}, at most {}", spec.min, spec.max)
                                                 : fmt::format("number {}..{}", spec.min, spec.max);
    case ValueKind::duration:
      return "duration";
  }
  return "text";
}

const SettingSpec* SourceTypeSchema::setting(std::string_view key) const {
  for (const auto& spec : settings) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::vector<std::string> SourceTypeSchema::keys() const {
  std::vector<std::string> out;
  for (const auto& spec : settings) out.push_back(spec.key);
  return out;
}

void check_setting(const SettingSpec& spec, const Setting& setting) {
  switch (spec.kind) {
    case ValueKind::text:
      return;
    case ValueKind::whole_number:
      (void)whole_number(setting, std::llround(spec.min), std::llround(spec.max));
      return;
    case ValueKind::number:
      (void)number(setting, spec.min, spec.max, spec.lower);
      return;
    case ValueKind::duration:
      (void)duration(setting);
      return;
  }
}

const Setting* SourceConfig::setting(std::string_view key) const {
  const auto it = settings.find(key);
  return it == settings.end() ? nullptr : &it->second;
}

const Setting& SourceConfig::require(std::string_view key) const {
  const Setting* found = setting(key);
  if (found == nullptr) {
    throw ConfigError(location, fmt::format("{}.{}", key_path, key), fmt::format("is required for type {}", type));
  }
  if (found->value.empty()) throw ConfigError(found->location, found->key_path, "is empty");
  return *found;
}

long long SourceConfig::setting_int(std::string_view key, long long fallback) const {
  const Setting* found = setting(key);
  if (found == nullptr) return fallback;
  const auto value = parse_integer(found->value);
  if (!value) fail(*found, fmt::format("{} is not a whole number", shown(*found)));
  return *value;
}

long long SourceConfig::setting_int(std::string_view key, long long fallback, long long min, long long max) const {
  const Setting* found = setting(key);
  return found == nullptr ? fallback : whole_number(*found, min, max);
}

std::chrono::milliseconds SourceConfig::setting_duration(std::string_view key,
                                                         std::chrono::milliseconds fallback) const {
  const Setting* found = setting(key);
  return found == nullptr ? fallback : duration(*found);
}

double SourceConfig::setting_number(std::string_view key, double fallback) const {
  const Setting* found = setting(key);
  if (found == nullptr) return fallback;
  const auto value = parse_number(found->value);
  if (!value) fail(*found, fmt::format("{} is not a number", shown(*found)));
  return *value;
}

double SourceConfig::setting_number(std::string_view key, double fallback, double min, double max) const {
  const Setting* found = setting(key);
  return found == nullptr ? fallback : number(*found, min, max, LowerBound::inclusive);
}

}  // namespace rosterd::config
