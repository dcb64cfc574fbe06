#pragma once
// CrocoDial goAPIv2 response bodies -> normalized records (pure functions).
// Documents: CrocoDial's Get All Users page, CrocoDial's users API pages;
// real behaviour: docs/vendor-facts.md 1.2 (envelope and errors) and 1.3 (types).
//
// Every body passes parse_envelope(): success is only `result == "success"`;
// errors arrive with HTTP 200 in several shapes; PHP warnings may precede the JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "model/user.hpp"
#include "sources/json_support.hpp"

namespace rosterd::sources::crocodial {

// A response whose `result` is "success", or the "no rows" answer (code 10010).
struct Envelope {
  simdjson::dom::object root;  // valid until the parser's next parse()
  bool no_rows = false;
  // Text before the JSON, summarized safely (length and first line, no HTML).
  std::vector<std::string> warnings;
};

// Errors: ErrorKind::auth for rejected credentials or permissions ("Invalid
// Username/Password", code 10001, undefined goUser/goPass), ErrorKind::vendor for
// other error documents (including the plain-text responsetype error),
// ErrorKind::parse for anything that is not a JSON object with a string `result`.
core::Result<Envelope> parse_envelope(JsonBody body, JsonDocumentParser& parser);

// goGetAllUsers: data.user_list[] plus the campaign lists and totals.
// user_id -> external_id, user -> username, name -> full_name, exten -> extension,
// level -> role (as text), active Y/N -> active (absent -> nullopt),
// allowed_companys -> portfolios (sorted, unique; null -> empty; absent -> nullopt).
// email, phone and user_group stay NULL (getUserInfo supplies them).
struct UserListing {
  std::vector<model::User> users;
  // all_campaigns (ids) and all_preview_campaigns ({campaign_id, campaign_name},
  // attributes {"preview":true}), merged by campaign id, sorted by id.
  std::vector<model::NamedEntity> campaigns;
  // False when neither campaign list was in the response (or for "no rows"): the
  // campaigns dataset must not read that as "no campaigns".
  bool campaigns_listed = false;
  std::optional<std::int64_t> total_users;
  std::optional<std::int64_t> total_active_users;
  std::optional<std::int64_t> total_inactive_users;
  std::vector<std::string> warnings;
};
core::Result<UserListing> parse_user_list(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter);

struct EntityListing {
  std::vector<model::NamedEntity> entities;
  std::vector<std::string> warnings;
};

// getAllPortfolios: data[] of {portfolio, portfolio_name} -> key, name.
core::Result<EntityListing> parse_portfolios(JsonBody body, JsonDocumentParser& parser,
                                             const FieldFilter& filter);

// getAllProfiles: data[] of {profile_id, profile_name}; each profiles.rows[] entry
// (matched by profile_id) adds its other fields (disposition_set, id) to that
// profile's attributes. The row's HTML `action` button is dropped.
core::Result<EntityListing> parse_profiles(JsonBody body, JsonDocumentParser& parser,
                                           const FieldFilter& filter);

}  // namespace rosterd::sources::crocodial
