#pragma once
// Deterministic test data: users, CrocoDial lists and default credentials, all derived
// from the tenant seed. Generated users are not stored (UserTable keeps an index into
// the seed's stream), so the same (seed, index) must always give the same user.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/simulator.hpp"

namespace rosterd::sim::detail {

// splitmix64's finalizer: a good 64-bit mix.
std::uint64_t mix64(std::uint64_t value);

// A value derived from (seed, id, salt): vendor fields that are not part of SimUser
// (campaigns, ranks, flags, passwords) come from here, so they survive edits.
std::uint64_t derive(std::uint64_t seed, std::int64_t id, std::uint64_t salt);

// `derive` reduced to [0, bound).
std::uint32_t pick(std::uint64_t seed, std::int64_t id, std::uint64_t salt, std::uint32_t bound);

// Ids of the generated users: ascending with small gaps, per vendor in the range the
// vendor's examples show.
std::int64_t first_user_id(Vendor vendor, std::uint64_t seed);
std::int64_t next_user_id(std::int64_t previous, std::uint64_t seed);

bool generated_active(const TenantOptions& options, std::uint32_t index);
SimUser generate_user(const TenantOptions& options, std::uint32_t index, std::int64_t id);

// The seed's CrocoDial lists; generated users draw their portfolios, campaigns and
// profiles from these (not from later set_* calls, so that users stay stable).
std::vector<NamedItem> generate_portfolios(std::uint64_t seed);
std::vector<NamedItem> generate_profiles(std::uint64_t seed);
std::vector<NamedItem> generate_campaigns(std::uint64_t seed);

// Fills empty credentials with deterministic defaults (and a default name for
// Smartflo's login email).
void fill_default_credentials(TenantOptions& options);

// `length` characters of [A-Za-z0-9] (plus `extra` characters when not empty), from `value`.
std::string token_chars(std::uint64_t value, std::size_t length, std::string_view extra = {});

// Unpadded base64url, as JWTs use.
std::string base64url(std::string_view bytes);

// A JWT-shaped token (HS256 header, the claims, 32 signature bytes derived from `key`):
// what clients see of a real one.
std::string jwt_like(std::string_view claims_json, std::uint64_t key);

}  // namespace rosterd::sim::detail
