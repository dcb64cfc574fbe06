#pragma once
// CrocoDial goAPIv2 (CrocoDial's API pages; docs/vendor-facts.md 1).
//
// Endpoint: the configured URL itself, e.g.
//           https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php
// Auth:     goUser/goPass as form fields. Every call is a POST of
//           application/x-www-form-urlencoded goAction, goUser, goPass and
//           responsetype=json: a GET would put the password in the URL, and without
//           responsetype the answer is XML (docs/vendor-facts.md 1.2).
// Paging:   none; each action answers its whole list in one body.
//           users     = goGetAllUsers with only_inactives=0, then only_inactives=1,
//                       merged (a user without an `active` field is active in the
//                       first, inactive in the second);
//           campaigns = the campaign lists of those same two responses;
//           portfolios = getAllPortfolios; profiles = getAllProfiles.
//           user_stats = getUserInfo, agent_status = getLiveAgentInfo: one POST per
//                       user (`user=<username>`), `concurrency` at once and at most
//                       `max_requests_per_second` started, across every run of the
//                       source (per_user.hpp).
// Settings: user, password; concurrency (1..64, default 4), max_requests_per_second
//           (more than 0, at most 1000, default 10); agent_status_interval (read by
//           the scheduler, not here).

#include <memory>

#include "config/config.hpp"
#include "sources/per_user.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::crocodial {

// Throws config::ConfigError when user or password is missing or empty. The per-user
// limits are taken as the loader checked them (registry.cpp).
std::unique_ptr<Source> make_source(const config::SourceConfig& config);
// The same with the rate cap's clock and waits going through `timer` (tests); the
// timer must outlive the source.
std::unique_ptr<Source> make_source_with_timer(const config::SourceConfig& config, RateTimer& timer);

}  // namespace rosterd::sources::crocodial
