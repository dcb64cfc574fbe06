#pragma once
// Walks a simulator listing the way rosterd's sources do, with the same page size and
// the same requests: Smartflo's `limit` + `last_seen_id` cursor, Class4's 0-based
// `page` + `per_page` in the default order. Every item goes to a sink as it is parsed.

#include <simdjson.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "floor/page_fetcher.hpp"

namespace rosterd::bench {

enum class Vendor { smartflo, class4 };

struct Listing {
  Vendor vendor = Vendor::smartflo;
  std::string base_url;  // http://127.0.0.1:PORT/<tenant>
  std::string token;     // Smartflo bearer token or Class4 X-Auth-Token
  int page_size = 1000;
};

// The header lines that authenticate every request of `listing`.
std::vector<std::string> auth_headers(const Listing& listing);

// One listed user object; valid only during the call.
using ItemSink = std::function<void(simdjson::dom::object item)>;

// Fetches every page and passes each item to `sink`; returns the item count. Throws
// std::runtime_error on a body that does not parse or a walk that does not add up.
std::size_t walk_listing(const Listing& listing, PageFetcher& fetcher, simdjson::dom::parser& parser,
                         const ItemSink& sink);

}  // namespace rosterd::bench
