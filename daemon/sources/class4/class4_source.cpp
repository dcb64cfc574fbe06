#include "sources/class4/class4_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "sources/class4/class4_json.hpp"
#include "sources/source_settings.hpp"
#include "sources/token_cache.hpp"
#include "sources/vendor_http.hpp"

namespace rosterd::sources::class4 {
namespace {

core::Error shifted(std::string problem) {
  return core::Error{core::ErrorKind::incomplete, std::move(problem)};
}

// What a listing has established so far: the first page's total and per_page,
// and how many records the pages before this one held.
struct Paging {
  std::int64_t total = 0;
  std::int64_t per_page = 0;
  std::int64_t listed = 0;
};

// A page that does not continue the listing the first page began means the list
// shifted while paging.
core::Status check_page(const PageInfo& page, std::int64_t number, const Paging& paging) {
  if (page.total != paging.total) {
    return shifted(fmt::format("total changed from {} to {} while paging (page {})", paging.total, page.total, number));
  }
  if (page.page != number) return shifted(fmt::format("asked for page {}, got page {}", number, page.page));
  if (page.per_page != paging.per_page) {
    return shifted(
        fmt::format("per_page changed from {} to {} while paging (page {})", paging.per_page, page.per_page, number));
  }
  if (paging.per_page <= 0 && paging.total > 0) {
    return shifted(
        fmt::format("per_page is {} for a total of {}: the listing cannot be paged", paging.per_page, paging.total));
  }
  const auto expected = std::min(paging.per_page, paging.total - paging.listed);
  const auto items = page.items;
  if (items != expected) {
    return shifted(fmt::format("page {} holds {} items, expected {} (total {}, {} on earlier pages)", number, items,
                               expected, paging.total, paging.listed));
  }
  return {};
}

// The vendor no longer accepts the token: HTTP 401, or an unauthenticated_error
// document under any status but 403 (which is a permission, not a session).
bool token_rejected(long status, const core::Error& error) {
  return status == 401 || (status != 403 && error.kind == core::ErrorKind::auth);
}

class Class4Source final : public Source {
 public:
  explicit Class4Source(const config::SourceConfig& config)
      : m_name(config.name),
        m_url(config.url),
        m_credentials(token_or_login(config, "user")),
        m_page_size(page_size(config)),
        m_filter(field_filter(config)),
        m_tokens(core::system_clock()) {}

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(RunContext& context, UserSink& sink) override {
    JsonDocumentParser parser;
    bool relogged = false;
    auto first = list_once(context, parser, sink, relogged);
    if (first || first.error().kind != core::ErrorKind::incomplete) return first;
    core::log().info("{}: {}; listing once more from page 0", m_name, first.error().message);
    if (auto stopped = check_stopped(context); !stopped) return stopped;
    sink.restart();
    auto second = list_once(context, parser, sink, relogged);
    if (second || second.error().kind != core::ErrorKind::incomplete) return second;
    return shifted(second.error().message + " (the listing shifted on both attempts)");
  }

  // Page 0 with one item: proves the token (logging in if none is cached) and the
  // permission to list users.
  core::Status check_connection(RunContext& context) override {
    JsonDocumentParser parser;
    bool relogged = false;
    auto page = fetch_page(
        context, parser, page_request(0, 1), relogged, [](const PageInfo&) -> core::Status { return {}; },
        [](model::User&&) -> core::Status { return {}; });
    if (!page) return std::move(page).error();
    return {};
  }

 private:
  core::Status list_once(RunContext& context, JsonDocumentParser& parser, UserSink& sink, bool& relogged) {
    ListingGate gate(sink, fmt::format("class4/users/{}", k_users_reader_version), m_filter);
    Paging paging;
    paging.per_page = m_page_size;
    for (std::int64_t number = 0;; ++number) {
      if (number > 0) {
        if (auto stopped = check_stopped(context); !stopped) return stopped;
      }
      const auto request = page_request(number, paging.per_page);
      // The page must continue the listing before any of its users is taken; then
      // each user goes to the sink as it is parsed. The sink fails a repeated id
      // (an incomplete listing: it is listed once more).
      const auto continues = [&](const PageInfo& info) -> core::Status {
        if (number == 0) {
          paging.total = info.total;
          if (info.per_page != paging.per_page) {
            core::log().debug("{}: {}: the server pages by {} instead of {}", m_name, request.label, info.per_page,
                              paging.per_page);
            paging.per_page = info.per_page;
          }
        }
        return check_page(info, number, paging);
      };
      const auto take = [&](model::User&& user) -> core::Status {
        const auto digest = gate.last_digest();
        auto added = digest ? sink.add(std::move(user), *digest) : sink.add(std::move(user));
        if (!added && added.error().kind == core::ErrorKind::incomplete) {
          return shifted(fmt::format("{} (page {})", added.error().message, number));
        }
        return added;
      };
      auto page = fetch_page(context, parser, request, relogged, continues, take, &gate);
      if (!page) return std::move(page).error();
      paging.listed += page->items;
      if (paging.listed == paging.total) return {};
    }
  }

  [[nodiscard]] http::Request page_request(std::int64_t number, std::int64_t per_page) const {
    http::Request request;
    const auto url = endpoint(m_url, "/v1/user/list");
    request.url = fmt::format("{}?page={}&per_page={}", url, number, per_page);
    request.label = request_label(http::Method::get, url,
                                  {{"page", std::to_string(number)}, {"per_page", std::to_string(per_page)}});
    return request;
  }

  // Sends `request` with the token, lets `check` see the page's paging and hands
  // each user of the page to `consume` as it is parsed (class4_json.hpp). A login
  // token the vendor rejects is replaced once per fetch (`relogged`); a configured
  // one is never replaced. Every error is labelled with the request.
  core::Result<PageInfo> fetch_page(RunContext& context, JsonDocumentParser& parser, http::Request request,
                                    bool& relogged, const PageCheck& check, const UserConsumer& consume,
                                    ListingGate* gate = nullptr) {
    for (;;) {
      auto token = session_token(context, parser);
      if (!token) return std::move(token).error();
      request.headers = {{"X-Auth-Token", *token}, {"Accept", "application/json"}};
      auto response = exchange(context, request);
      if (!response) return std::move(response).error();
      auto page = is_success(*response)
                      ? parse_user_page(response->body, parser, m_filter, check, consume, gate)
                      : core::Result<PageInfo>(error_from_response(response->status, response->body, parser));
      if (!page && !m_credentials.token && !relogged && token_rejected(response->status, page.error())) {
        relogged = true;
        m_tokens.invalidate(*token);
        core::log().info("{}: {}: the session token was rejected ({}); logging in once more", m_name, request.label,
                         page.error().message);
        continue;
      }
      if (!page) return labelled(request, page.error());
      return page;
    }
  }

  core::Result<std::string> session_token(RunContext& context, JsonDocumentParser& parser) {
    if (m_credentials.token) return *m_credentials.token;
    return m_tokens.get([&] { return login(context, parser); });
  }

  core::Result<TokenCache::Issued> login(RunContext& context, JsonDocumentParser& parser) const {
    const auto request =
        json_login_request(m_url, "/v1/auth", "email_or_name", m_credentials.login, m_credentials.password);
    auto response = exchange(context, request);
    if (!response) return std::move(response).error();
    if (!is_success(*response)) {
      return labelled(request, error_from_response(response->status, response->body, parser));
    }
    auto token = parse_login(response->body, parser);
    if (!token) return labelled(request, token.error());
    core::secrets().add(*token);
    core::log().info("{}: {}: logged in", m_name, request.label);
    return TokenCache::Issued{std::move(*token), std::nullopt};
  }

  std::string m_name;
  std::string m_url;
  Credentials m_credentials;
  int m_page_size;
  FieldFilter m_filter;
  TokenCache m_tokens;
};

}  // namespace

std::unique_ptr<Source> make_source(const config::SourceConfig& config) {
  return std::make_unique<Class4Source>(config);
}

}  // namespace rosterd::sources::class4
