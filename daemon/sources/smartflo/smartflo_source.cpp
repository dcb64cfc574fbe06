#include "sources/smartflo/smartflo_source.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/log.hpp"
#include "core/secrets.hpp"
#include "http/url.hpp"
#include "sources/smartflo/smartflo_json.hpp"
#include "sources/source_settings.hpp"
#include "sources/token_cache.hpp"
#include "sources/vendor_http.hpp"

namespace rosterd::sources::smartflo {
namespace {

// A login token is used for this much less than its expires_in, so that it does
// not expire between the check and the request.
constexpr std::chrono::seconds k_token_margin{300};

std::chrono::seconds usable_lifetime(std::chrono::seconds expires_in) {
  return expires_in > 2 * k_token_margin ? expires_in - k_token_margin : expires_in / 2;
}

core::Error cursor_stuck(const http::Request& request, std::string_view what) {
  return labelled(request, core::Error{core::ErrorKind::incomplete, fmt::format("cursor did not advance: {}", what)});
}

class SmartfloSource final : public Source {
 public:
  SmartfloSource(const config::SourceConfig& config, const core::Clock& clock)
      : m_name(config.name),
        m_url(config.url),
        m_credentials(token_or_login(config, "email")),
        m_page_size(page_size(config)),
        m_filter(field_filter(config)),
        m_tokens(clock) {}

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(RunContext& context, UserSink& sink) override {
    JsonDocumentParser parser;
    ListingGate gate(sink, fmt::format("smartflo/users/{}", k_users_reader_version), m_filter);
    bool relogged = false;
    std::optional<std::string> cursor;
    std::set<std::string, std::less<>> cursors;
    for (bool first = true;; first = false) {
      if (!first) {
        if (auto stopped = check_stopped(context); !stopped) return stopped;
      }
      const auto request = users_request(m_page_size, cursor);
      auto page = fetch_page(context, parser, request, relogged, &gate);
      if (!page) return std::move(page).error();
      // The sink fails a repeated id (README, "Sync semantics"), on this page or an earlier one.
      for (std::size_t i = 0; i < page->users.size(); ++i) {
        auto& user = page->users[i];
        auto added = page->digests[i] ? sink.add(std::move(user), *page->digests[i]) : sink.add(std::move(user));
        if (!added && added.error().kind == core::ErrorKind::incomplete) return labelled(request, added.error());
        if (!added) return added;
      }
      if (!page->has_more) return {};
      if (auto advanced = check_cursor(request, *page, cursor, cursors, page->last_id); !advanced) return advanced;
      cursor = page->last_seen_id;
    }
  }

  // One page of one user: proves the token (logging in if none is cached) and the
  // permission to list users.
  core::Status check_connection(RunContext& context) override {
    JsonDocumentParser parser;
    bool relogged = false;
    auto page = fetch_page(context, parser, users_request(1, std::nullopt), relogged);
    if (!page) return std::move(page).error();
    return {};
  }

 private:
  [[nodiscard]] http::Request users_request(int limit, const std::optional<std::string>& cursor) const {
    http::Request request;
    const auto url = endpoint(m_url, "/v1/users");
    request.url = fmt::format("{}?limit={}", url, limit);
    LabelParams shown = {{"limit", std::to_string(limit)}};
    if (cursor) {
      request.url += "&last_seen_id=" + http::url_encode(*cursor);
      shown.emplace_back("last_seen_id", *cursor);
    }
    request.label = request_label(http::Method::get, url, shown);
    return request;
  }

  // Sends `request` with the bearer token. A login token rejected with 401 is
  // replaced once per fetch (`relogged`); a configured one is never replaced.
  core::Result<UserPage> fetch_page(RunContext& context, JsonDocumentParser& parser, http::Request request,
                                    bool& relogged, ListingGate* gate = nullptr) {
    for (;;) {
      auto token = bearer_token(context, parser);
      if (!token) return std::move(token).error();
      request.headers = {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}};
      auto response = exchange(context, request);
      if (!response) return std::move(response).error();
      if (response->status == 401 && !m_credentials.token && !relogged) {
        relogged = true;
        m_tokens.invalidate(*token);
        core::log().info("{}: {}: the login token was rejected (HTTP 401); logging in once more", m_name,
                         request.label);
        continue;
      }
      if (!is_success(*response)) {
        return labelled(request, error_from_response(response->status, response->body, parser));
      }
      auto page = parse_user_page(response->body, parser, m_filter, gate);
      if (!page) return labelled(request, page.error());
      return page;
    }
  }

  // The page's cursor must lead somewhere new; see smartflo_source.hpp.
  core::Status check_cursor(const http::Request& request, const UserPage& page,
                            const std::optional<std::string>& previous, std::set<std::string, std::less<>>& seen,
                            const std::optional<std::string>& last_id) const {
    if (!page.last_seen_id) return cursor_stuck(request, "has_more is true without last_seen_id");
    if (page.records() == 0) return cursor_stuck(request, "has_more is true on an empty page");
    const auto& cursor = *page.last_seen_id;
    if (previous == cursor) return cursor_stuck(request, fmt::format("last_seen_id {} again", cursor));
    if (!seen.insert(cursor).second) {
      return cursor_stuck(request, fmt::format("last_seen_id {} was already used for an earlier page", cursor));
    }
    // The doc defines last_seen_id as the page's last id, but its own sample
    // contradicts that (Smartflo's Fetch Multiple Users page): note it, rely on it not.
    if (last_id != cursor) {
      core::log().debug("{}: {}: last_seen_id {} is not the id of the page's last user ({})", m_name, request.label,
                        cursor, last_id.value_or("none"));
    }
    return {};
  }

  core::Result<std::string> bearer_token(RunContext& context, JsonDocumentParser& parser) {
    if (m_credentials.token) return *m_credentials.token;
    return m_tokens.get([&] { return login(context, parser); });
  }

  core::Result<TokenCache::Issued> login(RunContext& context, JsonDocumentParser& parser) const {
    const auto request =
        json_login_request(m_url, "/v1/auth/login", "email", m_credentials.login, m_credentials.password);
    auto response = exchange(context, request);
    if (!response) return std::move(response).error();
    if (!is_success(*response)) {
      return labelled(request, error_from_response(response->status, response->body, parser));
    }
    auto issued = parse_login(response->body, parser);
    if (!issued) return labelled(request, issued.error());
    core::secrets().add(issued->access_token);
    const auto lifetime = usable_lifetime(issued->expires_in);
    core::log().info("{}: {}: logged in; reusing the token for {}s", m_name, request.label, lifetime.count());
    return TokenCache::Issued{std::move(issued->access_token), lifetime};
  }

  std::string m_name;
  std::string m_url;
  Credentials m_credentials;
  int m_page_size;
  FieldFilter m_filter;
  TokenCache m_tokens;
};

}  // namespace

std::unique_ptr<Source> make_source(const config::SourceConfig& config, const core::Clock& clock) {
  return std::make_unique<SmartfloSource>(config, clock);
}

std::unique_ptr<Source> make_source(const config::SourceConfig& config) {
  return make_source(config, core::system_clock());
}

}  // namespace rosterd::sources::smartflo
