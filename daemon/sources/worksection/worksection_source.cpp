#include "sources/worksection/worksection_source.hpp"

#include <string>
#include <vector>

#include "core/hash.hpp"
#include "core/secrets.hpp"
#include "sources/source_settings.hpp"
#include "sources/vendor_http.hpp"
#include "sources/worksection/worksection_json.hpp"

namespace rosterd::sources::worksection {
namespace {

constexpr std::string_view k_query = "action=get_users";

class WorksectionSource final : public Source {
 public:
  explicit WorksectionSource(const config::SourceConfig& config)
      : m_name(config.name),
        m_url(endpoint(config.url, "/api/admin/v2/")),
        m_hash(core::md5_hex(std::string(k_query) + required_setting(config, "api_key"))),
        m_filter(field_filter(config)) {
    core::secrets().add(m_hash);
  }

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(RunContext& context, UserSink& sink) override {
    JsonDocumentParser parser;
    auto users = list_users(context, parser);
    if (!users) return std::move(users).error();
    for (auto& user : *users) {
      if (auto added = sink.add(std::move(user)); !added) return added;
    }
    return {};
  }

  // get_users is the only call; it needs the same hash as any other.
  core::Status check_connection(RunContext& context) override {
    JsonDocumentParser parser;
    auto users = list_users(context, parser);
    if (!users) return std::move(users).error();
    return {};
  }

 private:
  [[nodiscard]] http::Request users_request() const {
    http::Request request;
    request.url = m_url + "?" + std::string(k_query) + "&hash=" + m_hash;
    request.label = request_label(http::Method::get, m_url, {{"action", "get_users"}});
    return request;
  }

  core::Result<std::vector<model::User>> list_users(RunContext& context, JsonDocumentParser& parser) const {
    const auto request = users_request();
    auto response = exchange(context, request);
    if (!response) return std::move(response).error();
    auto users = parse_users(response->body, parser, m_filter);
    if (!is_success(*response)) {
      // An error document ({"status":"error",...}) names the problem better than the status.
      return labelled(request, status_error(response->status, users ? nullptr : &users.error()));
    }
    if (!users) return labelled(request, users.error());
    return users;
  }

  std::string m_name;
  std::string m_url;   // {url}/api/admin/v2/, without query
  std::string m_hash;  // signs k_query; a credential (docs/vendor-facts.md 2.3)
  FieldFilter m_filter;
};

}  // namespace

std::unique_ptr<Source> make_source(const config::SourceConfig& config) {
  return std::make_unique<WorksectionSource>(config);
}

}  // namespace rosterd::sources::worksection
