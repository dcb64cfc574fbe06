#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rosterd::core {

// Fast non-cryptographic 64-bit hash (XXH3) for content change detection. The
// value is stored in the database, so the function must never change.
std::uint64_t content_hash64(std::string_view bytes);

// Lower-case hex MD5, as Worksection's request signature needs.
std::string md5_hex(std::string_view bytes);
// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
// Base64 (RFC 4648, with padding), as HTTP basic authentication sends a user and password.
std::string base64(std::string_view bytes);

}  // namespace rosterd::core
