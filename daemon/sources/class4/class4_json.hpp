#pragma once
// Denovolab (DNL) Class4 softswitch response bodies -> normalized records (pure
// functions). Documents: the DNL API's user list page; docs/vendor-facts.md 4.
//
// GET /v1/user/list: {"success":true,"payload":{"total","page","per_page","items":[...]}}
// with 0-based pages. POST /v1/auth: {"success":true,"payload":{"token":...}}.
// Errors: {"success":false,"error_type":"unauthenticated_error","error":{code,reason,message}}.
// The doc's own list example omits "success", so a body without it counts as a
// success unless it carries an error_type; "success" that is not a boolean is an error.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"
#include "sources/json_support.hpp"
#include "sources/record_digest.hpp"

namespace rosterd::sources::class4 {

// user_id -> external_id, name -> username, fullname (else first_name +
// last_name) -> full_name, email (lower-cased), role_name (lower-cased) -> role,
// user_type -> user_group, active (boolean) -> active. passwd, cdr_api_token and
// every other pass/secret/token field are dropped by the filter.
//
// Checks within the page (ErrorKind::incomplete): no more items than per_page, no
// more than total - page * per_page, ids unique. Whether the pages together make a
// complete listing is the source's job (the list may shift while paging).
//
// The streaming form hands each user to `consume` as soon as it is parsed, so
// that a page of large records is never held whole (1,000 Class4 users are about
// 14 MB as records). The page's bounds are checked, and then `check` sees its
// paging fields and item count, before the first user is handed over. It stops
// at the first error, check's and the consumer's included; users handed over
// before an error belong to a failed page.
struct PageInfo {
  std::int64_t total = 0;
  std::int64_t page = 0;
  std::int64_t per_page = 0;
  std::int64_t items = 0;
};
using PageCheck = std::function<core::Status(const PageInfo&)>;
using UserConsumer = std::function<core::Status(model::User&&)>;
// With a gate, a record whose digest the sink holds unchanged is skipped (not
// normalized, not handed over); gate->last_digest() is the digest of the user handed
// over, or nullopt.
core::Result<PageInfo> parse_user_page(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter,
                                       const PageCheck& check, const UserConsumer& consume,
                                       ListingGate* gate = nullptr);

// Goes up when the users reader reads more of Class4's records (registry.cpp, and
// every stored record digest with it).
inline constexpr int k_users_reader_version = 1;

struct UserPage {
  std::vector<model::User> users;
  std::int64_t total = 0;
  std::int64_t page = 0;
  std::int64_t per_page = 0;
};
// The same, collecting the users.
core::Result<UserPage> parse_user_page(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter);

// payload.token. It is a credential: the caller registers it with core::secrets().
core::Result<std::string> parse_login(JsonBody body, JsonDocumentParser& parser);

// The error for a non-2xx response or a {"success":false,...} body:
// ErrorKind::auth for unauthenticated_error or HTTP 401/403, ErrorKind::http for
// 429/5xx without an error document and for bodies that are not one,
// ErrorKind::vendor for the other error types.
core::Error error_from_response(long status, JsonBody body, JsonDocumentParser& parser);

}  // namespace rosterd::sources::class4
