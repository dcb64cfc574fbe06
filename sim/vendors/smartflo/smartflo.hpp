#pragma once
// Tata Smartflo (Smartflo's Fetch Multiple Users page, docs/vendor-facts.md 3): the
// vendor's row and what its files share.

#include <httplib.h>

#include <cstddef>
#include <cstdint>

#include "sim/reply.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

VendorModule smartflo_module();

// POST /<tenant>/v1/auth/login, GET /<tenant>/v1/users.
Reply handle_smartflo_login(TenantState& state, const httplib::Request& request);
Reply handle_smartflo_users(TenantState& state, const httplib::Request& request);

// VendorModule::prerender: the cursor walk's pages.
std::size_t prerender_smartflo(TenantState& state, std::int64_t page_size);

}  // namespace rosterd::sim::detail
