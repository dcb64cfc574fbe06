#pragma once
// The vendor request handlers. Each takes the tenant's state and the request, holds
// the tenant lock while it authenticates, applies faults and renders, and returns the
// Reply the server sends.

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

#include "sim/reply.hpp"
#include "sim/simulator.hpp"
#include "sim/tenant_state.hpp"

namespace rosterd::sim::detail {

// CrocoDial goAPIv2: /<tenant>/goAPIv2/goUsers/goAPI.php, GET or POST form.
Reply handle_crocodial(TenantState& state, const httplib::Request& request);
// Worksection admin API: GET /<tenant>/api/admin/v2/?action=get_users&hash=...
Reply handle_worksection(TenantState& state, const httplib::Request& request);
// Smartflo: POST /<tenant>/v1/auth/login, GET /<tenant>/v1/users.
Reply handle_smartflo_login(TenantState& state, const httplib::Request& request);
Reply handle_smartflo_users(TenantState& state, const httplib::Request& request);
// Class4: POST /<tenant>/v1/auth, GET /<tenant>/v1/user/list.
Reply handle_class4_auth(TenantState& state, const httplib::Request& request);
Reply handle_class4_list(TenantState& state, const httplib::Request& request);

// Render every listing page of `page_size` into the tenant's page cache under the keys
// the handlers look up, and return the page count (Tenant::prerender). The caller
// holds the tenant lock.
std::size_t prerender_smartflo(TenantState& state, std::int64_t page_size);
std::size_t prerender_class4(TenantState& state, std::int64_t page_size);

// Secrets served per user: CrocoDial getUserInfo pass, pass_hash, phone_pass and
// voicemail_pass (in that order); Class4 passwd and, for some users, cdr_api_token.
void crocodial_user_secrets(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out);
void class4_user_secrets(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out);
// Tenant-level secrets beyond the configured credentials: CrocoDial's API pass_hash
// (accepted as goPass), Worksection's get_users signature, Class4's admin passwd and
// cdr_api_token.
void append_tenant_secrets(const TenantOptions& options, std::vector<std::string>& out);

// Worksection's signature of a query string (without hash=): md5(query + api_key).
std::string worksection_hash(std::string_view query, std::string_view api_key);

}  // namespace rosterd::sim::detail
