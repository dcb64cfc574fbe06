#pragma once
// Denovolab (DNL) Class4 softswitch users API (the DNL API's user list page;
// docs/vendor-facts.md 4).
//
// Endpoint: GET {url}/v1/user/list?page=P&per_page=N, with url = http://switch:8000.
// Auth:     X-Auth-Token: <token>. The token is either configured (`token`) or
//           obtained with POST {url}/v1/auth {"email_or_name","password"} ->
//           payload.token. Its lifetime is undocumented (docs/vendor-facts.md 4.2): it is
//           cached in the source until the vendor rejects it (HTTP 401 or an
//           unauthenticated_error document), then replaced by one more login; a
//           second rejection, or any with a configured token, is ErrorKind::auth.
// Paging:   P from 0. The first page gives the total T and the server's per_page
//           (used from then on if it differs from N). The list may shift while
//           paging (README, "Vendors"), so every page must report the same total, its own page
//           number and per_page, and exactly per_page items (the last page: the
//           rest); no id may repeat; T records in all. Any mismatch restarts the
//           sink and lists once more from page 0; a second mismatch fails the run
//           (ErrorKind::incomplete) naming what did not match.
// Settings: token, or user + password; page_size (1..1000, default 100).

#include <memory>

#include "config/config.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::class4 {

// Throws config::ConfigError for missing credentials, or token together with
// user/password. page_size is taken as the loader checked it (registry.cpp).
std::unique_ptr<Source> make_source(const config::SourceConfig& config);

}  // namespace rosterd::sources::class4
