#pragma once
// Denovolab Class4 (the DNL API's user list page, docs/vendor-facts.md 4): the vendor's
// row and what its files share.

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/reply.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

VendorModule class4_module();

// POST /<tenant>/v1/auth, GET /<tenant>/v1/user/list.
Reply handle_class4_auth(TenantState& state, const httplib::Request& request);
Reply handle_class4_list(TenantState& state, const httplib::Request& request);

// VendorModule::prerender: the pages in the default order.
std::size_t prerender_class4(TenantState& state, std::int64_t page_size);

// Secrets served per user: passwd and, for some users, cdr_api_token.
void class4_user_secrets(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out);

}  // namespace rosterd::sim::detail
