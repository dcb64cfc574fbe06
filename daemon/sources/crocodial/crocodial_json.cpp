#include "sources/crocodial/crocodial_json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "model/normalize.hpp"

namespace rosterd::sources::crocodial {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// goGetAllUsers answers an empty listing with this code (docs/vendor-facts.md 1.2).
constexpr std::string_view k_no_rows_code = "10010";
// Upstream's permission error (docs/vendor-facts.md 1.2).
constexpr std::string_view k_permission_code = "10001";

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The error documents of docs/vendor-facts.md 1.2:
//   {"result":"error","message":"Invalid Username/Password"}
//   {"code":"10001","result":"Error: You do not have permission to view this page "}
//   {"result":"Error: goAPI User Not Defined."}
//   {"code":"40001","message":"Error: Missing required parameters"}
core::Error error_document(const std::optional<std::string>& code, std::string_view message) {
  const auto lower = model::ascii_lower(message);
  const bool rejected = code == k_permission_code || contains(lower, "invalid username/password") ||
                        contains(lower, "permission") || contains(lower, "goapi user not defined") ||
                        contains(lower, "goapi password not defined");
  const auto text = message.empty() ? std::string("(no message)") : safe_excerpt(message);
  return core::Error{
      rejected ? core::ErrorKind::auth : core::ErrorKind::vendor,
      // The code is vendor text as much as the message (a line break in it split the log line).
      code ? fmt::format("CrocoDial error {}: {}", safe_excerpt(*code, 32), text)
           : fmt::format("CrocoDial error: {}", text)};
}

// goAPI.php answers an unsupported responsetype in plain text (docs/vendor-facts.md 1.2):
// "result=error;message=This API function only accepts XML or JSON value on responsetype;"
std::optional<core::Error> plain_text_error(std::string_view body) {
  const auto text = model::trim(body);
  if (text.substr(0, 12) != "result=error") return std::nullopt;
  auto message = text.substr(text.find("message=") == std::string_view::npos ? text.size() : text.find("message=") + 8);
  message = message.substr(0, message.find(';'));
  return error_document(std::nullopt, message);
}

core::Result<Envelope> classify(simdjson::dom::object root, Envelope envelope) {
  const auto result = find_field(root, "result");
  if (result && result->type() != element_type::STRING) {
    return parse_error("result", fmt::format("expected string, got {}", type_name(result->type())));
  }
  const std::string_view result_text = result ? std::string_view(result->get_string().value_unsafe()) : "";
  if (result_text == "success") return envelope;

  std::optional<std::string> code;
  if (auto value = find_field(root, "code")) {
    auto text = scalar_text(*value, "code");
    if (!text) return std::move(text).error();
    code = std::move(*text);
  }
  std::string_view message;
  if (auto value = find_field(root, "message"); value && value->type() == element_type::STRING) {
    message = value->get_string().value_unsafe();
  } else if (model::ascii_lower(result_text) != "error") {
    message = result_text;  // upstream puts the message in `result`
  }
  if (!result && !code) return parse_error("result", "missing");
  if (code == k_no_rows_code) {
    envelope.no_rows = true;
    return envelope;
  }
  return error_document(code, message);
}

// allowed_companys: an array of portfolio codes; null means none.
core::Result<std::optional<std::vector<std::string>>> portfolio_codes(std::optional<element> value,
                                                                      const std::string& path) {
  using Codes = std::optional<std::vector<std::string>>;
  if (!value) return Codes();
  if (value->type() == element_type::NULL_VALUE) return Codes(std::vector<std::string>{});
  auto array = as_array(*value, path);
  if (!array) return std::move(array).error();
  std::vector<std::string> codes;
  std::size_t index = 0;
  for (auto item : *array) {
    const auto item_path = index_path(path, index++);
    if (item.type() != element_type::STRING) {
      return parse_error(item_path, fmt::format("expected string, got {}", type_name(item.type())));
    }
    if (auto code = model::text_or_null(item.get_string().value_unsafe())) codes.push_back(std::move(*code));
  }
  model::sort_unique(codes);
  return Codes(std::move(codes));
}

core::Result<model::User> parse_user(element value, std::string path, const FieldFilter& filter) {
  auto reader = RecordReader::open(value, std::move(path), filter);
  if (!reader) return std::move(reader).error();
  model::User user;
  auto id = reader->take_id("user_id");
  if (!id) return std::move(id).error();
  user.external_id = std::move(*id);
  for (auto [key, member] : {std::pair{"user", &model::User::username}, std::pair{"name", &model::User::full_name},
                             std::pair{"exten", &model::User::extension}}) {
    auto text = reader->take_text(key);
    if (!text) return std::move(text).error();
    user.*member = std::move(*text);
  }
  auto level = reader->take_text("level");
  if (!level) return std::move(level).error();
  if (*level) user.role = model::normalize_role(**level);
  auto active = reader->take_flag("active");
  if (!active) return std::move(active).error();
  user.active = *active;
  auto portfolios = portfolio_codes(reader->take("allowed_companys"), reader->field_path("allowed_companys"));
  if (!portfolios) return std::move(portfolios).error();
  user.portfolios = std::move(*portfolios);
  auto attributes = reader->rest();
  if (!attributes) return std::move(attributes).error();
  user.attributes = std::move(*attributes);
  return user;
}

using CampaignMap = std::map<std::string, model::NamedEntity, std::less<>>;

core::Status add_plain_campaigns(element value, const std::string& path, CampaignMap& campaigns) {
  auto array = as_array(value, path);
  if (!array) return std::move(array).error();
  std::size_t index = 0;
  for (auto item : *array) {
    auto id = id_text(item, index_path(path, index++));
    if (!id) return std::move(id).error();
    campaigns[*id].key = *id;
  }
  return {};
}

core::Status add_preview_campaigns(element value, const std::string& path, const FieldFilter& filter,
                                   CampaignMap& campaigns) {
  auto array = as_array(value, path);
  if (!array) return std::move(array).error();
  std::size_t index = 0;
  for (auto item : *array) {
    auto reader = RecordReader::open(item, index_path(path, index++), filter);
    if (!reader) return std::move(reader).error();
    auto id = reader->take_id("campaign_id");
    if (!id) return std::move(id).error();
    auto name = reader->take_text("campaign_name");
    if (!name) return std::move(name).error();
    auto attributes = reader->rest();
    if (!attributes) return std::move(attributes).error();
    auto& campaign = campaigns[*id];
    campaign.key = *id;
    if (*name) campaign.name = std::move(*name);
    campaign.attributes.merge(*attributes);
    campaign.attributes.insert_or_assign("preview", "true");
  }
  return {};
}

core::Status read_campaigns(RecordReader& data, const FieldFilter& filter, UserListing& out) {
  CampaignMap campaigns;
  for (std::string_view key : {"all_campaigns", "all_preview_campaigns"}) {
    auto value = data.take(key);
    if (!value || value->type() == element_type::NULL_VALUE) continue;
    out.campaigns_listed = true;
    auto added = key == "all_campaigns" ? add_plain_campaigns(*value, data.field_path(key), campaigns)
                                        : add_preview_campaigns(*value, data.field_path(key), filter, campaigns);
    if (!added) return added;
  }
  for (auto& [key, campaign] : campaigns) out.campaigns.push_back(std::move(campaign));
  return {};
}

// Totals may come as numbers or numeric strings (docs/vendor-facts.md 1.3: types vary).
core::Result<std::optional<std::int64_t>> optional_total(RecordReader& data, std::string_view key) {
  auto value = data.take(key);
  if (!value || value->type() == element_type::NULL_VALUE) return std::optional<std::int64_t>();
  if (value->type() == element_type::STRING) {
    const auto text = model::trim(value->get_string().value_unsafe());
    std::int64_t number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
      return parse_error(data.field_path(key), "expected an integer");
    }
    return std::optional<std::int64_t>(number);
  }
  auto number = as_integer(*value, data.field_path(key));
  if (!number) return std::move(number).error();
  return std::optional<std::int64_t>(*number);
}

core::Status read_users(element list, const std::string& path, const FieldFilter& filter, UserListing& out) {
  auto array = as_array(list, path);
  if (!array) return std::move(array).error();
  std::set<std::string, std::less<>> seen;
  std::size_t index = 0;
  for (auto item : *array) {
    const auto item_path = index_path(path, index++);
    auto user = parse_user(item, item_path, filter);
    if (!user) return std::move(user).error();
    if (!seen.insert(user->external_id).second) {
      return core::Error{core::ErrorKind::incomplete,
                         fmt::format("{}.user_id: duplicate user id {}", item_path, user->external_id)};
    }
    out.users.push_back(std::move(*user));
  }
  return {};
}

}  // namespace

core::Result<Envelope> parse_envelope(JsonBody body, JsonDocumentParser& parser) {
  if (auto error = plain_text_error(body)) return std::move(*error);
  Envelope envelope;
  const auto skipped = leading_garbage_length(body);
  if (skipped > 0) {
    envelope.warnings.push_back(
        fmt::format("{} bytes of text before the JSON: {}", skipped, safe_excerpt(body.substr(0, skipped), 120)));
  }
  auto root = parser.parse(body.substr(skipped));
  if (!root) return std::move(root).error();
  auto object = as_object(*root, "");
  if (!object) return std::move(object).error();
  if (auto unique = check_unique_keys(*object, ""); !unique) return std::move(unique).error();
  envelope.root = *object;
  return classify(*object, std::move(envelope));
}

core::Result<UserListing> parse_user_list(JsonBody body, JsonDocumentParser& parser,
                                          const FieldFilter& filter) {
  auto envelope = parse_envelope(body, parser);
  if (!envelope) return std::move(envelope).error();
  UserListing out;
  out.warnings = std::move(envelope->warnings);
  if (envelope->no_rows) return out;
  auto data_value = find_field(envelope->root, "data");
  if (!data_value) {
    if (find_field(envelope->root, "user_id")) {
      return parse_error("user_id",
                         "upstream goAPIv2 parallel arrays (user_id[], user[], ...) are not supported; "
                         "expected CrocoDial's data.user_list[]");
    }
    return parse_error("data", "missing");
  }
  auto data = RecordReader::open(*data_value, "data", filter);
  if (!data) return std::move(data).error();
  auto list = data->take("user_list");
  if (!list) return parse_error("data.user_list", "missing");
  if (auto users = read_users(*list, "data.user_list", filter, out); !users) return std::move(users).error();
  if (auto campaigns = read_campaigns(*data, filter, out); !campaigns) return std::move(campaigns).error();
  for (auto [key, member] : {std::pair{"total_users", &UserListing::total_users},
                             std::pair{"total_active_users", &UserListing::total_active_users},
                             std::pair{"total_inactive_users", &UserListing::total_inactive_users}}) {
    auto total = optional_total(*data, key);
    if (!total) return std::move(total).error();
    out.*member = *total;
  }
  return out;
}

}  // namespace rosterd::sources::crocodial
