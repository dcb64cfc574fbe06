#include "sources/rest/rest_source.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/hash.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/secrets.hpp"
#include "http/url.hpp"
#include "sources/rest/rest_json.hpp"
#include "sources/rest/rest_paging.hpp"
#include "sources/source_settings.hpp"
#include "sources/token_cache.hpp"
#include "sources/vendor_http.hpp"

namespace rosterd::sources::rest {
namespace {

using config::AuthKind;
using config::PagingKind;
using Params = std::vector<std::pair<std::string, std::string>>;

// A login token is used for its stated lifetime less a tenth of it (at most five
// minutes), so that it does not expire between the check and the request.
std::chrono::seconds usable_lifetime(std::chrono::seconds stated) {
  return stated - std::min<std::chrono::seconds>(stated / 10, std::chrono::minutes{5});
}

class RestSource final : public Source {
 public:
  RestSource(const config::SourceConfig& config, const core::Clock& clock)
      : m_name(config.name),
        m_url(config.url),
        m_definition(config.definition),
        m_filter(field_filter(config)),
        m_tokens(clock) {
    if (!m_definition) throw config::ConfigError(config.location, config.key_path, "type rest needs a definition");
    for (const auto& parameter : m_definition->parameters) {
      const auto* setting = config.setting(parameter.name);
      if (setting == nullptr) {
        throw config::ConfigError(config.location, config.key_path + ".parameters." + parameter.name, "is required");
      }
      if (parameter.secret) {
        core::secrets().add(setting->value);
        m_secret.insert(parameter.name);
      }
      m_values.emplace(parameter.name, setting->value);
    }
    m_reader = "rest/users/" + m_definition->fingerprint;
  }

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(RunContext& context, UserSink& sink) override {
    JsonDocumentParser parser;
    bool relogged = false;
    for (int attempt = 0;; ++attempt) {
      auto listed = list_once(context, parser, sink, relogged);
      if (listed || listed.error().kind != core::ErrorKind::incomplete) return listed;
      if (attempt >= m_definition->relist) {
        if (attempt == 0) return listed;
        return core::Error{core::ErrorKind::incomplete,
                           fmt::format("{} (the listing shifted on all {} attempts)", listed.error().message, attempt + 1)};
      }
      core::log().info("{}: {}; listing once more from the start", m_name, listed.error().message);
      if (auto stopped = check_stopped(context); !stopped) return stopped;
      sink.restart();
    }
  }

  // The first page: proves the credentials (logging in when the definition does), the
  // permission to list and that the answer has the definition's shape.
  core::Status check_connection(RunContext& context) override {
    auto users = preview(context, 0);
    if (!users) return std::move(users).error();
    return {};
  }

  [[nodiscard]] bool previews() const override { return true; }

  core::Result<std::vector<model::User>> preview(RunContext& context, std::size_t count) override {
    JsonDocumentParser parser;
    bool relogged = false;
    Position position;
    position.number = m_definition->paging.first;
    auto page = fetch_page(context, parser, position, relogged, nullptr);
    if (!page) return std::move(page).error();
    auto& users = page->page.users;
    if (users.size() > count) users.resize(count);
    return std::move(users);
  }

 private:
  struct Fetched {
    RestPage page;
    std::string link;  // the response's Link headers
    http::Request request;
  };

  [[nodiscard]] std::string resolve(const config::Template& value) const {
    std::string out;
    for (const auto& part : value.parts) out += part.parameter ? m_values.at(part.text) : part.text;
    return out;
  }
  [[nodiscard]] bool secret(const config::Template& value) const {
    for (const auto& part : value.parts) {
      if (part.parameter && m_secret.count(part.text) != 0) return true;
    }
    return false;
  }
  [[nodiscard]] Params resolved(const config::TemplateList& list) const {
    Params out;
    for (const auto& [key, value] : list) out.emplace_back(key, resolve(value));
    return out;
  }
  // The parameters of `list` a label may show: those without a secret in them.
  void shown(const config::TemplateList& list, LabelParams& out) const {
    for (const auto& [key, value] : list) {
      if (!secret(value)) out.emplace_back(key, resolve(value));
    }
  }

  // The request `spec` describes, with `paging` added to its query, before auth.
  [[nodiscard]] http::Request build(const config::RestRequest& spec, const Params& paging,
                                    const std::optional<std::string>& url) const {
    http::Request request;
    request.method = spec.method == "POST" ? http::Method::post : http::Method::get;
    const auto base = url.value_or(endpoint(m_url, resolve(spec.path)));
    Params query = resolved(spec.query);
    query.insert(query.end(), paging.begin(), paging.end());
    request.url = base;
    if (!query.empty()) request.url += (base.find('?') == std::string::npos ? "?" : "&") + http::form_encode(query);
    for (const auto& [key, value] : spec.headers) request.headers.push_back({key, resolve(value)});
    if (!spec.form.empty()) {
      request.content_type = "application/x-www-form-urlencoded";
      request.body = http::form_encode(resolved(spec.form));
    } else if (!spec.json.empty()) {
      request.content_type = "application/json";
      core::JsonWriter body;
      body.begin_object();
      for (const auto& [key, value] : spec.json) body.key(key).value(resolve(value));
      request.body = body.end_object().take();
    }
    LabelParams label;
    shown(spec.query, label);
    label.insert(label.end(), paging.begin(), paging.end());
    if (request.method == http::Method::post) shown(spec.form, label);
    request.label = request_label(request.method, url ? *url : base, label);
    return request;
  }

  // Adds the definition's credentials to a listing request; a login may be needed.
  core::Status authorize(RunContext& context, JsonDocumentParser& parser, http::Request& request,
                         std::string& token) {
    const auto& auth = m_definition->auth;
    const auto append_query = [&](const std::string& key, const std::string& value) {
      request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + http::form_encode({{key, value}});
    };
    switch (auth.kind) {
      case AuthKind::none:
        break;
      case AuthKind::bearer:
        request.headers.push_back({"Authorization", "Bearer " + resolve(auth.value)});
        break;
      case AuthKind::header:
        request.headers.push_back({auth.name, resolve(auth.value)});
        break;
      case AuthKind::query:
        append_query(auth.name, resolve(auth.value));
        break;
      case AuthKind::basic:
        request.headers.push_back(
            {"Authorization", "Basic " + core::base64(resolve(auth.username) + ":" + resolve(auth.password))});
        core::secrets().add(request.headers.back().value.substr(6));
        break;
      case AuthKind::form: {
        const auto fields = resolved(auth.fields);
        if (request.method == http::Method::post && !request.body.empty() &&
            request.content_type != "application/x-www-form-urlencoded") {
          return core::Error{core::ErrorKind::config, "auth type form needs a form body, not JSON"};
        }
        if (request.method == http::Method::post) {
          request.content_type = "application/x-www-form-urlencoded";
          request.body += (request.body.empty() ? "" : "&") + http::form_encode(fields);
        } else {
          for (const auto& [key, value] : fields) append_query(key, value);
        }
        break;
      }
      case AuthKind::signature: {
        const auto query_at = request.url.find('?');
        const std::string query = query_at == std::string::npos ? "" : request.url.substr(query_at + 1);
        const auto key = resolve(auth.key);
        const auto hash = auth.algorithm == "md5" ? core::md5_hex(query + key) : core::sha256_hex(query + key);
        core::secrets().add(hash);
        append_query(auth.name, hash);
        break;
      }
      case AuthKind::login: {
        auto issued = m_tokens.get([&] { return login(context, parser); });
        if (!issued) return std::move(issued).error();
        token = *issued;
        if (!auth.use_query.empty()) {
          append_query(auth.use_query, token);
        } else {
          request.headers.push_back({auth.use_header, auth.use_prefix + token});
        }
        break;
      }
    }
    return {};
  }

  core::Result<TokenCache::Issued> login(RunContext& context, JsonDocumentParser& parser) const {
    const auto& auth = m_definition->auth;
    const auto request = build(auth.login, {}, std::nullopt);
    auto response = exchange(context, request);
    if (!response) return std::move(response).error();
    auto root = successful_body(response->status, response->body, parser, auth.login_success);
    if (!root) {
      auto error = root.error();
      if (error.kind == core::ErrorKind::vendor) error.kind = core::ErrorKind::auth;  // a refused login
      return labelled(request, error);
    }
    const auto token = find_value(*root, auth.token);
    if (!token || token->type() != simdjson::dom::element_type::STRING || token->get_string().value_unsafe().empty()) {
      return labelled(request, parse_error(auth.token.text, "missing or not a string (the login's token)"));
    }
    std::string value(token->get_string().value_unsafe());
    core::secrets().add(value);
    std::optional<std::chrono::seconds> lifetime = auth.lifetime;
    if (auth.expires_in) {
      if (const auto expires = find_value(*root, *auth.expires_in)) {
        auto seconds = as_integer(*expires, auth.expires_in->text);
        if (!seconds) return labelled(request, seconds.error());
        if (*seconds > 0) lifetime = std::chrono::seconds{*seconds};
      }
    }
    if (lifetime) lifetime = usable_lifetime(*lifetime);
    core::log().info("{}: {}: logged in{}", m_name, request.label,
                     lifetime ? fmt::format("; reusing the token for {}s", lifetime->count()) : std::string());
    return TokenCache::Issued{std::move(value), lifetime};
  }

  // A value of a login's answer, which is not a record: no field is filtered.
  static std::optional<simdjson::dom::element> find_value(simdjson::dom::element root, const config::JsonPath& path) {
    return at_path(root, path);
  }

  [[nodiscard]] Params paging_params(const Position& position) const {
    const auto& paging = m_definition->paging;
    Params out;
    switch (paging.kind) {
      case PagingKind::page:
      case PagingKind::offset:
        out.emplace_back(paging.param, std::to_string(position.number));
        if (!paging.size_param.empty()) out.emplace_back(paging.size_param, resolve(paging.size));
        break;
      case PagingKind::cursor:
        if (position.cursor) out.emplace_back(paging.param, *position.cursor);
        break;
      case PagingKind::none:
      case PagingKind::link:
        break;
    }
    return out;
  }

  // Sends the request for `position` with the credentials; a login token rejected with
  // 401 is replaced once per fetch (`relogged`).
  core::Result<Fetched> fetch_page(RunContext& context, JsonDocumentParser& parser, const Position& position,
                                   bool& relogged, ListingGate* gate) {
    for (;;) {
      Fetched fetched;
      fetched.request = build(m_definition->request, paging_params(position), position.next_url);
      std::string token;
      if (auto authorized = authorize(context, parser, fetched.request, token); !authorized) {
        return std::move(authorized).error();
      }
      auto response = exchange(context, fetched.request);
      if (!response) return std::move(response).error();
      if (response->status == 401 && m_definition->auth.kind == AuthKind::login && !relogged) {
        relogged = true;
        m_tokens.invalidate(token);
        core::log().info("{}: {}: the login token was rejected (HTTP 401); logging in once more", m_name,
                         fetched.request.label);
        continue;
      }
      auto root = successful_body(response->status, response->body, parser, m_definition->success);
      if (!root) return labelled(fetched.request, root.error());
      auto page = read_rest_page(*root, *m_definition, m_filter, gate);
      if (!page) return labelled(fetched.request, page.error());
      fetched.page = std::move(*page);
      fetched.link = std::move(response->link);
      return fetched;
    }
  }

  core::Status list_once(RunContext& context, JsonDocumentParser& parser, UserSink& sink, bool& relogged) {
    ListingGate gate(sink, m_reader, m_filter);
    Position position;
    position.number = m_definition->paging.first;
    for (;;) {
      if (position.pages > 0) {
        if (auto stopped = check_stopped(context); !stopped) return stopped;
      }
      auto fetched = fetch_page(context, parser, position, relogged, &gate);
      if (!fetched) return std::move(fetched).error();
      auto& page = fetched->page;
      const auto& request = fetched->request;
      for (std::size_t i = 0; i < page.users.size(); ++i) {
        auto& user = page.users[i];
        auto added = page.digests[i] ? sink.add(std::move(user), *page.digests[i]) : sink.add(std::move(user));
        if (!added) return labelled(request, added.error());
      }
      ++position.pages;
      position.listed += page.records();
      if (auto counted = check_total(request, page, position); !counted) return counted;
      auto more = advance(*m_definition, m_url, request, page, fetched->link, position);
      if (!more) return std::move(more).error();
      if (!*more) return check_complete(request, position);
    }
  }

  std::string m_name;
  std::string m_url;
  std::shared_ptr<const config::RestDefinition> m_definition;
  std::map<std::string, std::string, std::less<>> m_values;  // parameter -> value
  std::set<std::string, std::less<>> m_secret;               // the secret parameters
  FieldFilter m_filter;
  TokenCache m_tokens;
  std::string m_reader;
};

}  // namespace

std::unique_ptr<Source> make_source(const config::SourceConfig& config, const core::Clock& clock) {
  return std::make_unique<RestSource>(config, clock);
}

std::unique_ptr<Source> make_source(const config::SourceConfig& config) {
  return make_source(config, core::system_clock());
}

}  // namespace rosterd::sources::rest
