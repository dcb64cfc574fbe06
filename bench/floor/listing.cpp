#include "floor/listing.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace rosterd::bench {
namespace {

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& body, const std::string& url) {
  simdjson::dom::element root;
  // The fetcher leaves SIMDJSON_PADDING of capacity: no copy (realloc_if_needed = false).
  if (const auto error = parser.parse(body.data(), body.size(), false).get(root); error != simdjson::SUCCESS)
    throw std::runtime_error(fmt::format("{}: {}", url, simdjson::error_message(error)));
  return root;
}

template <class T>
T need(simdjson::simdjson_result<T> result, const char* what) {
  T value;
  if (const auto error = std::move(result).get(value); error != simdjson::SUCCESS)
    throw std::runtime_error(fmt::format("{}: {}", what, simdjson::error_message(error)));
  return value;
}

std::size_t each_item(simdjson::dom::array items, const ItemSink& sink) {
  std::size_t count = 0;
  for (auto item : items) {
    sink(need(item.get_object(), "item"));
    ++count;
  }
  return count;
}

std::size_t walk_smartflo(const Listing& listing, PageFetcher& fetcher, simdjson::dom::parser& parser,
                          const ItemSink& sink) {
  std::size_t total = 0;
  std::string cursor;
  for (;;) {
    std::string url = fmt::format("{}/v1/users?limit={}", listing.base_url, listing.page_size);
    if (!cursor.empty()) url += "&last_seen_id=" + cursor;
    const auto root = parse(parser, fetcher.get(url), url);
    total += each_item(need(root["data"].get_array(), "data"), sink);
    if (!need(root["has_more"].get_bool(), "has_more")) return total;
    const auto next = std::to_string(need(root["last_seen_id"].get_int64(), "last_seen_id"));
    if (next == cursor) throw std::runtime_error(url + ": the cursor did not advance");
    cursor = next;
  }
}

std::size_t walk_class4(const Listing& listing, PageFetcher& fetcher, simdjson::dom::parser& parser,
                        const ItemSink& sink) {
  std::size_t listed = 0;
  for (std::int64_t page = 0;; ++page) {
    const auto url = fmt::format("{}/v1/user/list?page={}&per_page={}", listing.base_url, page, listing.page_size);
    const auto root = parse(parser, fetcher.get(url), url);
    const auto payload = need(root["payload"].get_object(), "payload");
    const auto count = each_item(need(payload["items"].get_array(), "payload.items"), sink);
    listed += count;
    const auto total = static_cast<std::size_t>(need(payload["total"].get_int64(), "payload.total"));
    if (listed >= total) return listed;
    if (count == 0) throw std::runtime_error(url + ": an empty page before the total was reached");
  }
}

}  // namespace

std::vector<std::string> auth_headers(const Listing& listing) {
  if (listing.vendor == Vendor::smartflo) return {"Authorization: Bearer " + listing.token, "Accept: application/json"};
  return {"X-Auth-Token: " + listing.token, "Accept: application/json"};
}

std::size_t walk_listing(const Listing& listing, PageFetcher& fetcher, simdjson::dom::parser& parser,
                         const ItemSink& sink) {
  return listing.vendor == Vendor::smartflo ? walk_smartflo(listing, fetcher, parser, sink)
                                            : walk_class4(listing, fetcher, parser, sink);
}

}  // namespace rosterd::bench
