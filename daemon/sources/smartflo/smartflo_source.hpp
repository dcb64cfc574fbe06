#pragma once
// Tata Smartflo users API (Smartflo's Fetch Multiple Users page; docs/vendor-facts.md 3).
//
// Endpoint: GET {url}/v1/users?limit=N, then ...&last_seen_id=C, with
//           url = https://api-smartflo.tatateleservices.com.
// Auth:     Authorization: Bearer <token>. The token is either configured (`token`)
//           or obtained with POST {url}/v1/auth/login {"email","password"} and
//           cached in the source, shared by later runs, for its expires_in minus a
//           safety margin: repeated logins lock accounts (docs/vendor-facts.md 3.1), so a
//           run never logs in while a cached token is valid. A 401 drops a login
//           token and logs in once more; a second 401, or any 401 with a configured
//           token, fails the run (ErrorKind::auth).
// Paging:   cursor. C is the previous page's last_seen_id; the listing ends on
//           has_more=false. A cursor that does not advance (has_more with no
//           last_seen_id, the same or an earlier one, or an empty page) fails the
//           run (ErrorKind::incomplete): the listing could not be read to its end.
// Settings: token, or email + password; page_size (1..1000, default 100).

#include <memory>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::smartflo {

// Throws config::ConfigError for missing credentials, or token together with
// email/password. page_size is taken as the loader checked it (registry.cpp).
std::unique_ptr<Source> make_source(const config::SourceConfig& config);

// Same, with the clock that times the cached login token (tests).
std::unique_ptr<Source> make_source(const config::SourceConfig& config, const core::Clock& clock);

}  // namespace rosterd::sources::smartflo
