// CrocoDial goAPIv2 request handling: parameters, authentication, actions, output
// format. The dispatcher's behaviour follows upstream goAPI.php (docs/vendor-facts.md 1.1, 1.2):
// parameters from the query first, then the form body; log_pass overrides goPass;
// errors answer HTTP 200; no Content-Type but PHP's default text/html.

#include <simdjson.h>

#include "sim/faults.hpp"
#include "sim/vendors/crocodial/crocodial.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::string_view k_bad_responsetype =
    "result=error;message=This API function only accepts XML or JSON value on responsetype;";

struct CrocodialParams {
  std::string action, user, password, responsetype, only_inactives, target_user;
  bool has_responsetype = false;
  bool has_only_inactives = false;
  bool has_target_user = false;
};

CrocodialParams read_params(const httplib::Request& request) {
  // httplib puts query parameters before form parameters, and get_param_value returns
  // the first: the query wins, as $_GET does upstream.
  CrocodialParams params;
  params.action = request.get_param_value("goAction");
  params.user = request.get_param_value("goUser");
  params.password =
      request.has_param("log_pass") ? request.get_param_value("log_pass") : request.get_param_value("goPass");
  params.has_responsetype = request.has_param("responsetype");
  params.responsetype = request.get_param_value("responsetype");
  params.has_only_inactives = request.has_param("only_inactives");
  params.only_inactives = request.get_param_value("only_inactives");
  params.has_target_user = request.has_param("user");
  params.target_user = request.get_param_value("user");
  return params;
}

Endpoint endpoint_of(std::string_view action) {
  if (action == "goGetAllUsers") return Endpoint::listing;
  if (action == "getUserInfo") return Endpoint::user_info;
  if (action == "getLiveAgentInfo") return Endpoint::agent_info;
  if (action == "getAllPortfolios") return Endpoint::portfolios;
  if (action == "getAllProfiles") return Endpoint::profiles;
  return Endpoint::any;
}

// goAPI.php strips ' " \ ; and spaces from the password before comparing, so a stored
// password containing one of them can never authenticate. Upstream action files also
// accept the 31-character pass_hash as goPass.
bool authenticated(const TenantOptions& options, const CrocodialParams& params) {
  if (params.user.empty() || params.user != options.user) return false;
  std::string stripped;
  for (const char c : params.password) {
    if (c != '\'' && c != '"' && c != '\\' && c != ';' && c != ' ') stripped.push_back(c);
  }
  return stripped == options.password || params.password == crocodial_api_pass_hash(options);
}

std::optional<SimUser> listed_user_named(TenantState& state, std::string_view username) {
  for (const auto position : state.users.listed()) {
    SimUser user = state.users.materialize(state.users.entry(position));
    if (user.username == username) return user;
  }
  return std::nullopt;
}

// Faults that change the data: applied before rendering.
void apply_data_fault(TenantState& state, const Fault& fault, CrocodialListing& listing) {
  switch (fault.kind) {
    case FaultKind::duplicate_ids:
      listing.duplicate = true;
      break;
    case FaultKind::empty_listing:
      listing.empty = true;
      break;
    default:
      state.apply_shift(fault, false);
      break;
  }
}

using Body = std::shared_ptr<const std::string>;

Body make_body(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// The action's JSON body, as upstream's $apiresults would encode.
Body run_action(TenantState& state, const CrocodialParams& params, Endpoint endpoint,
                const std::optional<Fault>& fault) {
  if (fault && fault->kind == FaultKind::vendor_error) return make_body(crocodial_error(fault->error));
  if (fault && fault->kind == FaultKind::auth_failure) return make_body(crocodial_error("invalid_login"));
  CrocodialListing listing;
  if (fault) apply_data_fault(state, *fault, listing);
  switch (endpoint) {
    case Endpoint::listing: {
      if (params.has_only_inactives && params.only_inactives != "0" && params.only_inactives != "1") {
        return make_body(R"({"code":"41004","result":"Error: Invalid value in only_inactives."})");  // assumed text
      }
      listing.inactive = params.only_inactives == "1";
      Body body = listing.duplicate || listing.empty ? make_body(crocodial_users(state, listing))
                                                     : state.page(listing.inactive ? "users:1" : "users:0",
                                                                  [&] { return crocodial_users(state, listing); });
      if (body->rfind(R"({"result":"success")", 0) == 0) ++state.stats.listing_pages;
      return body;
    }
    case Endpoint::user_info:
    case Endpoint::agent_info: {
      if (!params.has_target_user || params.target_user.empty()) return make_body(crocodial_error("missing_params"));
      const auto user = listed_user_named(state, params.target_user);
      if (!user) return make_body(crocodial_error("invalid_user"));
      if (endpoint == Endpoint::user_info) return make_body(crocodial_user_info(state, *user));
      if (!user->active) return make_body(R"({"code":"10010","result":"Error: Agent is not logged in."})");  // assumed
      return make_body(crocodial_agent_info(state, *user));
    }
    case Endpoint::portfolios:
      return state.page("portfolios", [&] { return crocodial_portfolios(state); });
    case Endpoint::profiles:
      return state.page("profiles", [&] { return crocodial_profiles(state); });
    default:
      return make_body(crocodial_error("command_not_found"));
  }
}

void write_xml_value(std::string& out, const simdjson::dom::element& value, std::string_view key,
                     std::string_view last_key);

// apiXMLOutput() from goFunctions.php: arrays nest under their key, list elements
// repeat the parent's key, scalars in a list get their index as tag name, and values
// with HTML special characters are wrapped in CDATA.
void write_xml_members(std::string& out, const simdjson::dom::element& container, std::string_view last_key) {
  simdjson::dom::array array;
  if (container.get(array) == simdjson::SUCCESS) {
    std::size_t index = 0;
    for (const auto element : array) write_xml_value(out, element, std::to_string(index++), last_key);
    return;
  }
  simdjson::dom::object object;
  if (container.get(object) != simdjson::SUCCESS) return;
  for (const auto field : object) write_xml_value(out, field.value, field.key, last_key);
}

void write_xml_value(std::string& out, const simdjson::dom::element& value, std::string_view key,
                     std::string_view last_key) {
  const bool numeric_key = !key.empty() && key.find_first_not_of("0123456789") == std::string_view::npos;
  if (value.is_array() || value.is_object()) {
    const bool named = value.is_object() && value.get_object().value_unsafe().size() > 0;
    if (numeric_key)
      out.append("<").append(last_key).append(">\n");
    else if (named)
      out.append("<").append(key).append(">\n");
    write_xml_members(out, value, key);
    if (numeric_key)
      out.append("</").append(last_key).append(">\n");
    else if (named)
      out.append("</").append(key).append(">\n");
    return;
  }
  std::string text;
  if (value.is_string())
    text = std::string(value.get_string().value_unsafe());
  else if (value.is_bool())
    text = value.get_bool().value_unsafe() ? "1" : "";
  else if (!value.is_null())
    text = simdjson::minify(value);
  if (text.find_first_of("&<>\"'") != std::string::npos) text = "<![CDATA[" + text + "]]>";
  out.append("<").append(key).append(">").append(text).append("</").append(key).append(">\n");
}

}  // namespace

std::string crocodial_xml(std::string_view action, const std::string& json) {
  // The header is a single-quoted PHP string: "\n" stays a backslash and an n.
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?>\n<goautodialapi version="4.0">(\n<action>")";
  out.append(action).append(R"( "</action>\n" ))");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) == simdjson::SUCCESS) write_xml_members(out, root, "");
  out.append("</goautodialapi>");
  return out;
}

Reply handle_crocodial(TenantState& state, const httplib::Request& request) {
  const CrocodialParams params = read_params(request);
  const Endpoint endpoint = endpoint_of(params.action);
  Reply reply;
  reply.content_type = "text/html; charset=UTF-8";
  reply.headers.emplace_back("Access-Control-Allow-Origin", "*");

  std::lock_guard lock(state.mutex);
  state.count_request(endpoint);
  Body json;
  std::optional<Fault> fault;
  if (!authenticated(state.options, params)) {
    ++state.stats.auth_rejections;
    json = make_body(crocodial_error("invalid_login"));
  } else {
    fault = state.take_fault(endpoint, 1);
    if (fault) {
      if (auto replaced = replacing_reply(*fault)) return *replaced;
    }
    json = run_action(state, params, endpoint, fault);
  }
  if (params.has_responsetype && params.responsetype == "json") {
    reply.body = json;
  } else if (!params.has_responsetype || params.responsetype.empty()) {
    reply.set_body(json->rfind('{', 0) == 0 ? crocodial_xml(params.action, *json) : *json);
  } else {
    reply.set_body(std::string(k_bad_responsetype));
  }
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

}  // namespace rosterd::sim::detail
