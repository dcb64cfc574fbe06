#pragma once
// Worksection admin API v2 `get_users` body -> normalized users (pure function).
// Documents: Worksection's get_users page; docs/vendor-facts.md 2.2.
//
// Success is {"status":"ok","data":[...]}; errors are
// {"status":"error","status_code":N,"message":"..."} (status_code 2, "Action hash
// is missed or invalid", is a credential rejection).

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"
#include "sources/json_support.hpp"

namespace rosterd::sources::worksection {

// id -> external_id (a string in the vendor's example), email -> username and
// email (lower-cased), name (else first_name + last_name) -> full_name,
// phone (else phone3, phone2, phone4) -> phone, role (lower-cased: its case varies
// between responses) -> role, group -> user_group; active stays NULL.
// first_name, last_name, phone2..4 also stay in attributes: they are facts of
// their own (office, mobile, home number), not only fallbacks.
core::Result<std::vector<model::User>> parse_users(JsonBody body, JsonDocumentParser& parser,
                                                   const FieldFilter& filter);

}  // namespace rosterd::sources::worksection
