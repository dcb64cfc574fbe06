#include "sources/crocodial/crocodial_source.hpp"

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "http/url.hpp"
#include "sources/crocodial/crocodial_json.hpp"
#include "sources/crocodial/crocodial_user_info_json.hpp"
#include "sources/source_settings.hpp"
#include "sources/vendor_http.hpp"

namespace rosterd::sources::crocodial {
namespace {

constexpr std::string_view k_get_all_users = "goGetAllUsers";

// goGetAllUsers answers active users for only_inactives=0 and inactive ones for 1.
enum class Listing { active, inactive };
constexpr Listing k_listings[] = {Listing::active, Listing::inactive};

using EntityParser = core::Result<EntityListing> (*)(JsonBody, JsonDocumentParser&, const FieldFilter&);
template <class Value>
using PerUserMapper = core::Result<Value> (*)(const Envelope&, const FieldFilter&);
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

// A username as a label shows it: usernames are not secrets, but a control byte
// must not break a log line.
std::string shown_username(std::string_view username) {
  std::string out(username);
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

class CrocodialSource final : public Source {
 public:
  CrocodialSource(const config::SourceConfig& config, RateTimer& timer)
      : m_name(config.name),
        m_url(config.url),
        m_user(required_setting(config, "user")),
        m_password(required_setting(config, "password")),
        m_filter(field_filter(config)),
        m_limits(per_user_limits(config)),
        m_limiter(m_limits.max_requests_per_second, timer) {}

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

  core::Status fetch_entities(RunContext& context, const model::Dataset& dataset, EntitySink& sink) override {
    if (dataset == model::Dataset::portfolios) return fetch_named(context, "getAllPortfolios", &parse_portfolios, sink);
    if (dataset == model::Dataset::profiles) return fetch_named(context, "getAllProfiles", &parse_profiles, sink);
    if (dataset == model::Dataset::campaigns) return fetch_campaigns(context, sink);
    return Source::fetch_entities(context, dataset, sink);
  }

  core::Status fetch_user_info(RunContext& context, std::span<const UserRef> users,
                               PerUserSink<model::UserInfoResult>& sink) override {
    return fetch_per_user<model::UserInfoResult>(context, users, "getUserInfo", &user_info_from, sink);
  }

  core::Status fetch_agent_states(RunContext& context, std::span<const UserRef> users,
                                  PerUserSink<model::AgentState>& sink) override {
    return fetch_per_user<model::AgentState>(context, users, "getLiveAgentInfo", &live_agent_info_from, sink);
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
    if (!listing) return form_request(action, {}, {});
    const std::string only_inactives = *listing == Listing::inactive ? "1" : "0";
    return form_request(action, {{"only_inactives", only_inactives}}, {{"only_inactives", only_inactives}});
  }

  [[nodiscard]] http::Request user_request(std::string_view action, const UserRef& user) const {
    return form_request(action, {{"user", user.username}}, {{"user", shown_username(user.username)}});
  }

  // `parameters` follow the credentials in the form; `shown` is what the label adds
  // after goAction.
  [[nodiscard]] http::Request form_request(std::string_view action, const LabelParams& parameters,
                                           const LabelParams& shown_parameters) const {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"goAction", std::string(action)}, {"goUser", m_user}, {"goPass", m_password}, {"responsetype", "json"}};
    fields.insert(fields.end(), parameters.begin(), parameters.end());
    LabelParams shown = {{"goAction", std::string(action)}};
    shown.insert(shown.end(), shown_parameters.begin(), shown_parameters.end());
    http::Request request;
    request.method = http::Method::post;
    request.url = m_url;
    request.content_type = "application/x-www-form-urlencoded";
    request.body = http::form_encode(fields);
    request.label = request_label(http::Method::post, m_url, shown);
    return request;
  }

  // The body of a 2xx answer. goAPI sets no status of its own (docs/vendor-facts.md 1.2),
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

  // One call per user, through run_per_user(); each worker parses with its own
  // parser. Per-user failures go to the sink once every call has ended; an error
  // that dooms the run is returned instead (the run then stores nothing).
  template <class Value>
  core::Status fetch_per_user(RunContext& context, std::span<const UserRef> users, std::string_view action,
                              PerUserMapper<Value> map, PerUserSink<Value>& sink) {
    std::vector<JsonDocumentParser> parsers(static_cast<std::size_t>(m_limits.concurrency));
    std::atomic<std::size_t> warned{0};
    auto report =
        run_per_user(users.size(), m_limits.concurrency, m_limiter, context.stop, [&](const PerUserCall& call) {
          const auto& user = users[call.index];
          RunContext user_context{context.http, call.stop};
          auto value = ask_about(user_context, action, user, parsers[call.worker], map, warned);
          if (!value) return core::Status(std::move(value).error());
          sink.result(user, std::move(*value));
          return core::Status();
        });
    if (warned > 1) {
      core::log().warn("{}: {} of {} {} responses had text before the JSON (only the first was shown)", m_name,
                       warned.load(), users.size(), action);
    }
    if (report.stopped_by) return std::move(*report.stopped_by);
    for (const auto& failure : report.failures) sink.failure(users[failure.index], failure.error);
    return {};
  }

  template <class Value>
  core::Result<Value> ask_about(RunContext& context, std::string_view action, const UserRef& user,
                                JsonDocumentParser& parser, PerUserMapper<Value> map,
                                std::atomic<std::size_t>& warned) const {
    const auto request = user_request(action, user);
    if (user.username.empty()) {
      return labelled(request, core::Error{core::ErrorKind::not_found,
                                           fmt::format("user {} has no username to ask about", user.external_id)});
    }
    auto body = call(context, request, parser);
    if (!body) return std::move(body).error();
    auto envelope = parse_per_user_envelope(*body, parser);
    if (!envelope) return labelled(request, envelope.error());
    // PHP warnings repeat on every call (docs/vendor-facts.md 1.2): one line per fetch.
    if (!envelope->warnings.empty() && warned.fetch_add(1) == 0) log_warnings(request, envelope->warnings);
    auto value = map(*envelope, m_filter);
    if (!value) return labelled(request, value.error());
    return value;
  }

  std::string m_name;
  std::string m_url;
  std::string m_user;
  std::string m_password;
  FieldFilter m_filter;
  PerUserLimits m_limits;
  // Shared by every run of this source: the cap holds when runs follow each other.
  RateLimiter m_limiter;
};

}  // namespace

std::unique_ptr<Source> make_source(const config::SourceConfig& config) {
  return make_source_with_timer(config, real_rate_timer());
}

std::unique_ptr<Source> make_source_with_timer(const config::SourceConfig& config, RateTimer& timer) {
  return std::make_unique<CrocodialSource>(config, timer);
}

}  // namespace rosterd::sources::crocodial
