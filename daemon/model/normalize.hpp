#pragma once
// Normalization rules of README, "Vendors": trim strings, empty means NULL, U+0000 replaced,
// emails and roles lower-cased, ids as text.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::model {

std::string_view trim(std::string_view text) noexcept;

// U+FFFD, the replacement character, in UTF-8.
inline constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// Trimmed text with each U+0000 replaced by U+FFFD, or nullopt when nothing is left.
std::optional<std::string> text_or_null(std::string_view text);

// ASCII lower-casing; non-ASCII bytes are left alone (UTF-8 safe).
std::string ascii_lower(std::string_view text);

std::optional<std::string> normalize_email(std::string_view text);
std::optional<std::string> normalize_role(std::string_view text);

// "first last" from the parts that are present; nullopt when neither is.
std::optional<std::string> join_name(const std::optional<std::string>& first, const std::optional<std::string>& last);

// Y/N, yes/no, true/false, 1/0 (case-insensitive); nullopt for anything else.
std::optional<bool> parse_active_flag(std::string_view text);

// True when the text looks like an e-mail address (local@domain.tld).
bool looks_like_email(std::string_view text) noexcept;

// Sorts and removes duplicates.
void sort_unique(std::vector<std::string>& values);

}  // namespace rosterd::model
