#pragma once
// A SCIM 2.0 identity provider's Users listing (RFC 7644 3.4.2; core User and
// enterprise extension, RFC 7643 4.1 and 4.3): the vendor's row and what its files share.

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/reply.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

VendorModule scim_module();

// GET /<tenant>/scim/v2/Users.
Reply handle_scim_users(TenantState& state, const httplib::Request& request);

// VendorModule::prerender: the pages of a walk from startIndex 1 by `page_size` (capped
// as a request's count is). Pages carry the server's URL (meta.location): throws
// std::invalid_argument before the simulator has a port.
std::size_t prerender_scim(TenantState& state, std::int64_t page_size);

// The server's cap on a page when TenantOptions::max_page_size is 0; also the default
// `count`.
inline constexpr std::int64_t k_scim_max_count = 50;

// A user's SCIM `id`: UUID-shaped, from the seed and the SimUser id only, so that it
// survives every edit of the user.
std::string scim_user_id(std::uint64_t seed, std::int64_t id);

}  // namespace rosterd::sim::detail
