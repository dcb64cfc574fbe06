#pragma once
// CrocoDial goAPIv2 bodies (CrocoDial's users API pages, crocodial-get-all-users.txt,
// docs/vendor-facts.md 1). Every body is what PHP's json_encode() prints: "\/" and \uXXXX
// escapes. Callers hold the tenant lock.

#include <string>
#include <string_view>

#include "sim/simulator.hpp"
#include "sim/tenant_state.hpp"

namespace rosterd::sim::detail {

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

// The body goAPI.php prints for responsetype=xml or none: not well-formed XML
// (docs/vendor-facts.md 1.2). `json` must be valid JSON.
std::string crocodial_xml(std::string_view action, const std::string& json);

}  // namespace rosterd::sim::detail
