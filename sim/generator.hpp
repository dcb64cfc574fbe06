#pragma once
// Deterministic test data: users, CrocoDial lists and the pieces of default
// credentials, all derived from the tenant seed. Generated users are not stored
// (UserTable keeps an index into the seed's stream), so the same (seed, index) must
// always give the same user. The generator draws the vendor-neutral fields; the
// vendor's module (VendorModule::fill_user) adds its own from the same draws.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/simulator.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

// splitmix64's finalizer: a good 64-bit mix.
std::uint64_t mix64(std::uint64_t value);

// A value derived from (seed, id, salt): vendor fields that are not part of SimUser
// (campaigns, ranks, flags, passwords) come from here, so they survive edits.
std::uint64_t derive(std::uint64_t seed, std::int64_t id, std::uint64_t salt);

// `derive` reduced to [0, bound).
std::uint32_t pick(std::uint64_t seed, std::int64_t id, std::uint64_t salt, std::uint32_t bound);

// Salts of the per-user draws that vendor modules share with the generator: the same
// role and group rolls (and phone digits) whatever the vendor makes of them.
inline constexpr std::uint64_t k_salt_phone = 0x103, k_salt_role = 0x104, k_salt_group = 0x105;

// A per-user draw in [0, bound). Keyed by the stream index (not the id) so that a
// user's content does not depend on how ids were spaced.
std::uint32_t draw(const TenantOptions& options, std::uint32_t index, std::uint64_t salt, std::uint32_t bound);

// `count` decimal digits from `value`.
std::string digits(std::uint64_t value, std::size_t count);

std::string lower_ascii(std::string_view text);

// Ids of the generated users: ascending with small gaps, from the vendor's first id.
std::int64_t first_user_id(const VendorModule& vendor, std::uint64_t seed);
std::int64_t next_user_id(std::int64_t previous, std::uint64_t seed);

bool generated_active(const VendorModule& vendor, const TenantOptions& options, std::uint32_t index);
SimUser generate_user(const VendorModule& vendor, const TenantOptions& options, std::uint32_t index, std::int64_t id);

// The codes of the seed's portfolios (generate_portfolios), in order.
inline constexpr std::array<std::string_view, 6> k_portfolio_codes = {"AMI", "IST", "PTR", "BNK", "TEL", "INS"};

// The seed's CrocoDial lists; generated users draw their portfolios, campaigns and
// profiles from these (not from later set_* calls, so that users stay stable).
std::vector<NamedItem> generate_portfolios(std::uint64_t seed);
std::vector<NamedItem> generate_profiles(std::uint64_t seed);
std::vector<NamedItem> generate_campaigns(std::uint64_t seed);

// Default credentials (VendorModule::fill_credentials): the key of the tenant's
// default secret number `which`, and `length` characters of [A-Za-z0-9] from it.
std::uint64_t default_secret_key(const TenantOptions& options, std::uint64_t which);
std::string default_secret(const TenantOptions& options, std::uint64_t which, std::size_t length);

// `length` characters of [A-Za-z0-9] (plus `extra` characters when not empty), from `value`.
std::string token_chars(std::uint64_t value, std::size_t length, std::string_view extra = {});

// Unpadded base64url, as JWTs use.
std::string base64url(std::string_view bytes);

// A JWT-shaped token (HS256 header, the claims, 32 signature bytes derived from `key`):
// what clients see of a real one.
std::string jwt_like(std::string_view claims_json, std::uint64_t key);

}  // namespace rosterd::sim::detail
