#pragma once
// "Did you mean" for unknown keys and types.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rosterd::config {

// The candidate closest to `word` by edit distance, if the difference is small enough to
// be an obvious typo (at most 2 edits, and fewer than half of the word's letters).
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

// " (did you mean \"x\"?)" or "".
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

}  // namespace rosterd::config
