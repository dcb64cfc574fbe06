#include "sources/rest/rest_paging.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/secrets.hpp"
#include "http/url.hpp"
#include "sources/vendor_http.hpp"

namespace rosterd::sources::rest {
namespace {

using config::PagingKind;

core::Error incomplete(std::string message) { return core::Error{core::ErrorKind::incomplete, std::move(message)}; }

}  // namespace

std::optional<std::string> next_link(std::string_view header) {
  std::size_t at = 0;
  while ((at = header.find('<', at)) != std::string_view::npos) {
    const auto close = header.find('>', at);
    if (close == std::string_view::npos) return std::nullopt;
    const auto url = header.substr(at + 1, close - at - 1);
    const auto end = std::min(header.find('<', close), header.size());
    const auto params = header.substr(close + 1, end - close - 1);
    for (std::string_view quoted : {"rel=\"next\"", "rel=next"}) {
      if (params.find(quoted) != std::string_view::npos) return std::string(url);
    }
    at = close;
  }
  return std::nullopt;
}

core::Status check_total(const http::Request& request, const RestPage& page, Position& position) {
  if (!page.total) return {};
  if (!position.total) position.total = page.total;
  if (*page.total != *position.total) {
    return labelled(request, incomplete(fmt::format("the total changed from {} to {} while listing (page {})",
                                                    *position.total, *page.total, position.pages)));
  }
  if (position.listed > static_cast<std::uint64_t>(*position.total)) {
    return labelled(request, incomplete(fmt::format("{} records listed but the total is {}", position.listed,
                                                    *position.total)));
  }
  return {};
}

core::Status check_complete(const http::Request& request, const Position& position) {
  if (position.total && position.listed != static_cast<std::uint64_t>(*position.total)) {
    return labelled(request, incomplete(fmt::format("the listing ended after {} records but the total is {}",
                                                    position.listed, *position.total)));
  }
  return {};
}

core::Result<bool> advance(const config::RestDefinition& definition, std::string_view base_url,
                           const http::Request& request, const RestPage& page, std::string_view link,
                           Position& position) {
  const auto& paging = definition.paging;
  const bool reached = position.total && position.listed >= static_cast<std::uint64_t>(*position.total);
  switch (paging.kind) {
    case PagingKind::none:
      return false;
    case PagingKind::page:
    case PagingKind::offset:
      if (reached) return false;
      if (page.records() == 0) {
        if (!position.total) return false;
        return labelled(request, incomplete(fmt::format("an empty page after {} of {} records",
                                                        position.listed, *position.total)));
      }
      position.number += paging.kind == PagingKind::page ? 1 : static_cast<long long>(page.records());
      return true;
    case PagingKind::cursor: {
      const bool more = page.has_more.value_or(page.next_cursor.has_value());
      if (!more) return false;
      if (!page.next_cursor) return labelled(request, incomplete("cursor did not advance: more pages but no next cursor"));
      if (page.records() == 0) return labelled(request, incomplete("cursor did not advance: more pages after an empty one"));
      if (!position.cursors.insert(*page.next_cursor).second) {
        return labelled(request, incomplete(fmt::format("cursor did not advance: {} was already used", *page.next_cursor)));
      }
      position.cursor = page.next_cursor;
      return true;
    }
    case PagingKind::link: {
      const auto next = next_link(link);
      if (!next) return false;
      if (!http::same_origin(*next, base_url)) {
        return labelled(request, core::Error{core::ErrorKind::vendor,
                                             fmt::format("the next link leads to another host ({}): not followed "
                                                         "with the source's credentials",
                                                         core::redact_url(*next))});
      }
      if (!position.cursors.insert(*next).second) {
        return labelled(request, incomplete("the next link did not advance: it was already used"));
      }
      position.next_url = *next;
      return true;
    }
  }
  return false;
}

}  // namespace rosterd::sources::rest
