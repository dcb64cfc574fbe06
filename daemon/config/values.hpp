#pragma once
// Internal to config/: typed values. The parse_* functions are pure; the *_value
// functions read a Field and throw ConfigError at it, quoting what was written.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/parse_context.hpp"

namespace rosterd::config {

// Decimal integer, optional leading '-'; nothing else.
std::optional<long long> parse_integer(std::string_view text);
// Finite decimal number ("0.25", "1", "1e-3").
std::optional<double> parse_number(std::string_view text);
// Bytes: "1048576", "512KB", "64 MiB". KB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024;
// suffixes are case-insensitive.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// [a-z0-9_-]+
bool is_valid_source_name(std::string_view name);
// Empty when `url` is an http:// or https:// URL with a host and no user-info, else why not.
std::string url_problem(std::string_view url);

// "\"5x\"", or "\"5x\" (from ${env:INTERVAL})" when a reference produced it.
std::string quoted(const Text& text);

std::chrono::milliseconds positive_duration_value(const ParseContext& context, const Field& field);
long long integer_value(const ParseContext& context, const Field& field, long long min, long long max);
double number_value(const ParseContext& context, const Field& field, double min, double max);
std::uint64_t byte_size_value(const ParseContext& context, const Field& field);

}  // namespace rosterd::config
