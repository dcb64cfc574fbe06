#include "sources/crocodial/crocodial_source.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "http/url.hpp"
#include "sources/crocodial/crocodial_json.hpp"
#include "sources/source_settings.hpp"
#include "sources/vendor_http.hpp"

namespace rosterd::sources::crocodial {
namespace {

constexpr std::string_view k_get_all_users = "goGetAllUsers";

// goGetAllUsers answers active users for only_inactives=0 and inactive ones for 1.
enum class Listing { active, inactive };
constexpr Listing k_listings[] = {Listing::active, Listing::inactive};

using EntityParser = core::Result<EntityListing> (*)(std::string_view, JsonDocumentParser&, const FieldFilter&);
using CampaignMap = std::map<std::string, model::NamedEntity, std::less<>>;

// The same campaign in both responses: the first name given wins, attributes join.
void merge_campaign(CampaignMap& campaigns, model::NamedEntity campaign) {
  const auto it = campaigns.find(campaign.key);
  if (it == campaigns.end()) {
    auto key = campaign.key;
    campaigns.emplace(std::move(key), std::move(campaign));
    return;
  }
  if (!it->second.name) it->second.name = std::move(campaign.name);
  it->second.attributes.merge(campaign.attributes);
}

class CrocodialSource final : public Source {
 public:
  explicit CrocodialSource(const config::SourceConfig& config)
      : m_name(config.name),
        m_url(config.url),
        m_user(required_setting(config, "user")),
        m_password(required_setting(config, "password")),
        m_filter(field_filter(config)) {}

  [[nodiscard]] const std::string& name() const override { return m_name; }

  core::Status fetch_users(RunContext& context, UserSink& sink) override {
    JsonDocumentParser parser;
    for (int attempt = 1;; ++attempt) {
      auto in_both = stream_users(context, parser, sink);
      if (!in_both) return std::move(in_both).error();
      if (!*in_both) return {};
      const auto label = request_label(http::Method::post, m_url, {{"goAction", std::string(k_get_all_users)}});
      if (attempt == 2) {
        return core::Error{core::ErrorKind::incomplete,
                           fmt::format("{}: user {} was in both the active and the inactive listing on two attempts "
                                       "(the directory kept changing between the two calls)",
                                       label, **in_both)};
      }
      core::log().info(
          "{}: {}: user {} is in both the active and the inactive listing (it changed between the two "
          "calls); listing both once more",
          m_name, label, **in_both);
      if (auto stopped = check_stopped(context); !stopped) return stopped;
      sink.restart();
    }
  }

  core::Status fetch_entities(RunContext& context, model::Dataset dataset, EntitySink& sink) override {
    switch (dataset) {
      case model::Dataset::portfolios:
        return fetch_named(context, "getAllPortfolios", &parse_portfolios, sink);
      case model::Dataset::profiles:
        return fetch_named(context, "getAllProfiles", &parse_profiles, sink);
      case model::Dataset::campaigns:
        return fetch_campaigns(context, sink);
      default:
        return Source::fetch_entities(context, dataset, sink);
    }
  }

  // goGetAllUsers for the inactive users: every action authenticates, and this
  // documented one is usually the shortest.
  core::Status check_connection(RunContext& context) override {
    JsonDocumentParser parser;
    auto listing = fetch_listing(context, parser, Listing::inactive);
    if (!listing) return std::move(listing).error();
    return {};
  }

 private:
  [[nodiscard]] http::Request action_request(std::string_view action, std::optional<Listing> listing = {}) const {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"goAction", std::string(action)}, {"goUser", m_user}, {"goPass", m_password}, {"responsetype", "json"}};
    LabelParams shown = {{"goAction", std::string(action)}};
    if (listing) {
      const std::string only_inactives = *listing == Listing::inactive ? "1" : "0";
      fields.emplace_back("only_inactives", only_inactives);
      shown.emplace_back("only_inactives", only_inactives);
    }
    http::Request request;
    request.method = http::Method::post;
    request.url = m_url;
    request.content_type = "application/x-www-form-urlencoded";
    request.body = http::form_encode(fields);
    request.label = request_label(http::Method::post, m_url, shown);
    return request;
  }

  // The body of a 2xx answer. goAPI sets no status of its own (vendor-facts 1.2),
  // so a non-2xx comes from the web server in front; its body may still be an
  // error document worth quoting.
  core::Result<std::string> call(RunContext& context, const http::Request& request, JsonDocumentParser& parser) const {
    auto response = exchange(context, request);
    if (!response) return std::move(response).error();
    if (is_success(*response)) return std::move(response->body);
    auto envelope = parse_envelope(response->body, parser);
    return labelled(request, status_error(response->status, envelope ? nullptr : &envelope.error()));
  }

  void log_warnings(const http::Request& request, const std::vector<std::string>& warnings) const {
    for (const auto& warning : warnings) core::log().warn("{}: {}: {}", m_name, request.label, warning);
  }

  core::Result<UserListing> fetch_listing(RunContext& context, JsonDocumentParser& parser, Listing listing) const {
    const auto request = action_request(k_get_all_users, listing);
    auto body = call(context, request, parser);
    if (!body) return std::move(body).error();
    auto users = parse_user_list(*body, parser, m_filter);
    if (!users) return labelled(request, users.error());
    log_warnings(request, users->warnings);
    return users;
  }

  // Both listings into the sink. Returns the id of a user found in both, which
  // means the directory changed between the two calls: the merged listing would
  // hold that user twice, or once with a stale flag.
  core::Result<std::optional<std::string>> stream_users(RunContext& context, JsonDocumentParser& parser,
                                                        UserSink& sink) const {
    std::unordered_set<std::string> active_ids;
    for (const auto listing : k_listings) {
      if (listing == Listing::inactive) {
        if (auto stopped = check_stopped(context); !stopped) return stopped.error();
      }
      auto users = fetch_listing(context, parser, listing);
      if (!users) return std::move(users).error();
      for (auto& user : users->users) {
        if (listing == Listing::active) {
          active_ids.insert(user.external_id);
        } else if (active_ids.count(user.external_id) != 0) {
          return std::optional<std::string>(user.external_id);
        }
        if (!user.active) user.active = listing == Listing::active;
        if (auto added = sink.add(std::move(user)); !added) return added.error();
      }
    }
    return std::optional<std::string>();
  }

  core::Status fetch_campaigns(RunContext& context, EntitySink& sink) const {
    JsonDocumentParser parser;
    CampaignMap campaigns;
    bool listed = false;
    for (const auto listing : k_listings) {
      if (listing == Listing::inactive) {
        if (auto stopped = check_stopped(context); !stopped) return stopped;
      }
      auto users = fetch_listing(context, parser, listing);
      if (!users) return std::move(users).error();
      listed = listed || users->campaigns_listed;
      for (auto& campaign : users->campaigns) merge_campaign(campaigns, std::move(campaign));
    }
    if (!listed) {
      // Absent lists are not "no campaigns": reading them so would remove them all.
      return core::Error{
          core::ErrorKind::incomplete,
          fmt::format("{}: neither response carried a campaign list (all_campaigns, "
                      "all_preview_campaigns)",
                      request_label(http::Method::post, m_url, {{"goAction", std::string(k_get_all_users)}}))};
    }
    for (auto& [key, campaign] : campaigns) {
      if (auto added = sink.add(std::move(campaign)); !added) return added;
    }
    return {};
  }

  core::Status fetch_named(RunContext& context, std::string_view action, EntityParser parse, EntitySink& sink) const {
    JsonDocumentParser parser;
    const auto request = action_request(action);
    auto body = call(context, request, parser);
    if (!body) return std::move(body).error();
    auto listing = parse(*body, parser, m_filter);
    if (!listing) return labelled(request, listing.error());
    log_warnings(request, listing->warnings);
    for (auto& entity : listing->entities) {
      if (auto added = sink.add(std::move(entity)); !added) return added;
    }
    return {};
  }

  std::string m_name;
  std::string m_url;
  std::string m_user;
  std::string m_password;
  FieldFilter m_filter;
};

}  // namespace

std::unique_ptr<Source> make_source(const config::SourceConfig& config) {
  return std::make_unique<CrocodialSource>(config);
}

}  // namespace rosterd::sources::crocodial
