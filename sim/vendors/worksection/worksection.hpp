#pragma once
// Worksection admin API v2 (Worksection's get_users page, docs/vendor-facts.md 2): the
// vendor's row and what its files share.

#include <httplib.h>

#include <string>
#include <string_view>

#include "sim/reply.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

VendorModule worksection_module();

// GET or POST /<tenant>/api/admin/v2/?action=get_users&hash=...
Reply handle_worksection(TenantState& state, const httplib::Request& request);

// The signature of a query string (without hash=): md5(query + api_key).
std::string worksection_hash(std::string_view query, std::string_view api_key);

}  // namespace rosterd::sim::detail
