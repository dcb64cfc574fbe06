#pragma once
// Worksection admin API v2 `get_users` (Worksection's get_users page;
// docs/vendor-facts.md 2).
//
// Endpoint: GET {url}/api/admin/v2/?action=get_users&hash=HASH, where url is the
//           account's address (https://acme.worksection.com, a trailing slash is fine).
// Auth:     HASH = md5("action=get_users" + api_key): md5 of the query string
//           without hash, then the key (docs/vendor-facts.md 2.1). The hash is a credential
//           for that query: the URL is never logged, only its label.
// Paging:   none; one call returns every user (docs/vendor-facts.md 2.2).
// Settings: api_key.

#include <memory>

#include "config/config.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::worksection {

// Throws config::ConfigError when api_key is missing or empty.
std::unique_ptr<Source> make_source(const config::SourceConfig& config);

}  // namespace rosterd::sources::worksection
