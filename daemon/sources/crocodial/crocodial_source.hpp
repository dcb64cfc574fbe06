#pragma once
// CrocoDial goAPIv2 (vendor-docs/crocodial-*.txt; vendor-facts 1).
//
// Endpoint: the configured URL itself, e.g.
//           https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php
// Auth:     goUser/goPass as form fields. Every call is a POST of
//           application/x-www-form-urlencoded goAction, goUser, goPass and
//           responsetype=json: a GET would put the password in the URL, and without
//           responsetype the answer is XML (vendor-facts 1.2).
// Paging:   none; each action answers its whole list in one body.
//           users     = goGetAllUsers with only_inactives=0, then only_inactives=1,
//                       merged (a user without an `active` field is active in the
//                       first, inactive in the second);
//           campaigns = the campaign lists of those same two responses;
//           portfolios = getAllPortfolios; profiles = getAllProfiles.
// Settings: user, password.

#include <memory>

#include "config/config.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::crocodial {

// Throws config::ConfigError when user or password is missing or empty.
std::unique_ptr<Source> make_source(const config::SourceConfig& config);

}  // namespace rosterd::sources::crocodial
