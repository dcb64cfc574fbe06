#pragma once
// CrocoDial goAPIv2 (CrocoDial's users API pages, crocodial-get-all-users.txt,
// docs/vendor-facts.md 1): the vendor's row and what its files share. Every body is
// what PHP's json_encode() prints: "\/" and \uXXXX escapes. Callers hold the tenant lock.

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/reply.hpp"
#include "sim/simulator.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::detail {

VendorModule crocodial_module();

// /<tenant>/goAPIv2/goUsers/goAPI.php, GET or POST form.
Reply handle_crocodial(TenantState& state, const httplib::Request& request);

// Error bodies by name (README.md lists them); unknown names give the 10001 permission error.
std::string crocodial_error(std::string_view name);

struct CrocodialListing {
  bool inactive = false;   // only_inactives=1
  bool duplicate = false;  // the duplicate_ids fault
  bool empty = false;      // the empty_listing fault
};
// goGetAllUsers; the 10010 error when no user matches.
std::string crocodial_users(TenantState& state, const CrocodialListing& listing);
// getUserInfo and getLiveAgentInfo for a listed user.
std::string crocodial_user_info(TenantState& state, const SimUser& user);
std::string crocodial_agent_info(TenantState& state, const SimUser& user);
std::string crocodial_portfolios(const TenantState& state);
std::string crocodial_profiles(const TenantState& state);

// The password hash upstream accepts as goPass (31 characters, docs/vendor-facts.md 1.1).
std::string crocodial_api_pass_hash(const TenantOptions& options);
// Secrets served per user by getUserInfo: pass, pass_hash, phone_pass and voicemail_pass.
void crocodial_user_secrets(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out);

// The body goAPI.php prints for responsetype=xml or none: not well-formed XML
// (docs/vendor-facts.md 1.2). `json` must be valid JSON.
std::string crocodial_xml(std::string_view action, const std::string& json);

}  // namespace rosterd::sim::detail
