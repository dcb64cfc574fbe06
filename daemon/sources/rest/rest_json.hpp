#pragma once
// A response of a declarative (`rest`) source read as its definition says
// (config/rest_definition.hpp): pure, one body in, its records and paging facts out.
// The fuzz target `rest` drives parse_rest_page() directly.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/rest_definition.hpp"
#include "core/result.hpp"
#include "model/user.hpp"
#include "sources/json_document.hpp"
#include "sources/json_record.hpp"
#include "sources/record_digest.hpp"

namespace rosterd::sources::rest {

// The value at `path` in `root`; nullopt when any step is absent (a missing member, an
// index past the end, no element matching a filter, a field `filter` drops, when given)
// or when a step meets a value it cannot enter.
std::optional<simdjson::dom::element> at_path(simdjson::dom::element root, const config::JsonPath& path,
                                              const FieldFilter* filter = nullptr);

// The text of a JSON scalar as maps and filters compare it: a string as is, a number's
// text, true/false, null; nullopt for an object or an array.
std::optional<std::string> scalar_key(simdjson::dom::element value);

// Whether a response is a success (RestSuccess); when it is not, the error: the status
// and, when the body is JSON with a message at the definition's pointer, that message.
// An error of status 401 or 403 is ErrorKind::auth, 429 and 5xx ErrorKind::http, others
// ErrorKind::vendor. On success, the parsed body.
core::Result<simdjson::dom::element> successful_body(long status, JsonBody body, JsonDocumentParser& parser,
                                                     const config::RestSuccess& success);

// One page of a listing.
struct RestPage {
  std::vector<model::User> users;
  std::vector<std::optional<std::int64_t>> digests;  // per user: the vendor record's digest
  std::size_t unchanged = 0;                         // records the gate found stored unchanged
  std::optional<std::int64_t> total;                 // at the definition's `total`
  std::optional<std::string> next_cursor;            // cursor paging: the next value
  std::optional<bool> has_more;                      // cursor paging: at `has_more`
  std::optional<std::string> first_id, last_id;      // of the page's first and last records
  [[nodiscard]] std::size_t records() const { return users.size() + unchanged; }
};

// The records of one successful body (from successful_body), each mapped to a user; a
// record the gate finds stored unchanged is counted, not mapped. A duplicate id within
// the page is ErrorKind::incomplete; a record that cannot be mapped fails the page,
// naming the record and the field.
core::Result<RestPage> read_rest_page(simdjson::dom::element root, const config::RestDefinition& definition,
                                      const FieldFilter& filter, ListingGate* gate = nullptr);

// successful_body() then read_rest_page(): the whole of one response.
core::Result<RestPage> parse_rest_page(long status, JsonBody body, JsonDocumentParser& parser,
                                       const config::RestDefinition& definition, const FieldFilter& filter);

// One record mapped to a user, and the fields that went to attributes (for `check
// --connect` and `sync --dry-run --show-mapping`, which show a definition's author what went where).
core::Result<model::User> map_record(simdjson::dom::element record, const std::string& path,
                                     const config::RestDefinition& definition, const FieldFilter& filter);

}  // namespace rosterd::sources::rest
