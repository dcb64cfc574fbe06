#pragma once
// How a `rest` listing moves from page to page (config::RestPaging) and when it is
// complete: the checks that make a declarative listing as safe as a native one.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "config/rest_definition.hpp"
#include "core/result.hpp"
#include "http/http_client.hpp"
#include "sources/rest/rest_json.hpp"

namespace rosterd::sources::rest {

// Where a listing is: what the next request asks for, and what it listed so far.
struct Position {
  long long number = 0;  // page: the page's number; offset: the offset
  std::optional<std::string> cursor;
  std::set<std::string, std::less<>> cursors;  // every cursor and next link used
  std::optional<std::string> next_url;         // link paging
  std::optional<std::int64_t> total;
  std::size_t listed = 0;
  int pages = 0;
};

// The URL of rel="next" in Link headers (RFC 8288): `<url>; rel="next"`, or nullopt.
std::optional<std::string> next_link(std::string_view header);

// The total must stay what the first page said, and never be passed.
core::Status check_total(const http::Request& request, const RestPage& page, Position& position);

// At the end: as many records as the total said, when one was given.
core::Status check_complete(const http::Request& request, const Position& position);

// Moves `position` past `page` (answered to `request`, with the Link headers `link`);
// false when the listing is complete. A cursor or next link that does not advance, an
// empty page before the total, a next link to another host: ErrorKind::incomplete (the
// host: ErrorKind::vendor).
core::Result<bool> advance(const config::RestDefinition& definition, std::string_view base_url,
                           const http::Request& request, const RestPage& page, std::string_view link,
                           Position& position);

}  // namespace rosterd::sources::rest
