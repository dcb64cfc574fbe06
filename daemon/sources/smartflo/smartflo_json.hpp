#pragma once
// Tata Smartflo response bodies -> normalized records (pure functions).
// Documents: Smartflo's Fetch Multiple Users page; docs/vendor-facts.md 3.
//
// GET /v1/users pages: {"has_more":true,"count":20,"last_seen_id":370822,"data":[...]}
// where count is the number of records on this page. POST /v1/auth/login returns
// {"success":true,"access_token":"<JWT>","expires_in":3600,...}.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"
#include "sources/json_support.hpp"
#include "sources/record_digest.hpp"

namespace rosterd::sources::smartflo {

// id (an integer) -> external_id as text; login_id -> username, and -> email
// (lower-cased) when it looks like an address; name -> full_name; extension (null,
// number or string) -> extension; agent.follow_me_number -> phone; user_role.name
// (lower-cased) -> role; user_status == 1 -> active. agent and user_role are
// flattened one level into "agent.id", "agent.name", "user_role.id", ... without
// the consumed field (agent.id stays a string: it has a leading zero).
//
// Checks: count == data.size() (else ErrorKind::incomplete), has_more is a
// boolean, last_seen_id is a number or string (as text), null only on an empty
// last page; ids are unique within the page.
// Goes up when the users reader reads more of Smartflo's records (registry.cpp, and
// every stored record digest with it).
inline constexpr int k_users_reader_version = 1;

struct UserPage {
  std::vector<model::User> users;                    // the records normalized (with a gate: those not stored unchanged)
  std::vector<std::optional<std::int64_t>> digests;  // with a gate: each user's digest
  std::size_t unchanged = 0;                         // with a gate: records stored unchanged, skipped
  std::optional<std::string> last_id;                // the id of the page's last record
  bool has_more = false;
  std::optional<std::string> last_seen_id;
  std::int64_t count = 0;
  [[nodiscard]] std::size_t records() const { return users.size() + unchanged; }
};
// With a gate, a record whose digest the sink holds unchanged is skipped, not normalized.
core::Result<UserPage> parse_user_page(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter,
                                       ListingGate* gate = nullptr);

// The token is a credential: the caller registers it with core::secrets().
struct Login {
  std::string access_token;
  std::chrono::seconds expires_in;  // 3600 when the body does not say (the documented lifetime)
};
core::Result<Login> parse_login(JsonBody body, JsonDocumentParser& parser);

// The error for a non-2xx response, or a 2xx body with "success": false (login
// failures come as {"success":false,"message":...,"login_failed_count":1}; a 429
// carries {"success":"false","message":"Too many requests."} with the boolean as a
// string). ErrorKind::auth for 401/403 and rejected logins, ErrorKind::http for 429,
// 5xx and bodies that say nothing, ErrorKind::vendor for other error documents.
core::Error error_from_response(long status, JsonBody body, JsonDocumentParser& parser);

}  // namespace rosterd::sources::smartflo
