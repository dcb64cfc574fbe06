#include "sources/smartflo/smartflo_json.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "model/normalize.hpp"

namespace rosterd::sources::smartflo {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// "Short-Lived Token: ... a 1-hour valid token" (docs/vendor-facts.md 3.1).
constexpr std::chrono::seconds k_default_token_lifetime{3600};

// "success": false, or "false" as a string (the 429 body, docs/vendor-facts.md 3.3).
bool says_failure(simdjson::dom::object root) {
  auto success = find_field(root, "success");
  if (!success) return false;
  if (success->type() == element_type::BOOL) return !success->get_bool().value_unsafe();
  return success->type() == element_type::STRING && std::string_view(success->get_string().value_unsafe()) == "false";
}

core::Error error_document(long status, simdjson::dom::object root) {
  std::string message = "(no message)";
  if (auto value = find_field(root, "message"); value && value->type() == element_type::STRING) {
    message = safe_excerpt(value->get_string().value_unsafe());
  }
  const auto lower = model::ascii_lower(message);
  const bool login_failed = find_field(root, "login_failed_count").has_value() ||
                            lower.find("password") != std::string::npos ||
                            lower.find("credentials") != std::string::npos;
  auto kind = core::ErrorKind::vendor;
  if (status == 401 || status == 403 || login_failed) {
    kind = core::ErrorKind::auth;
  } else if (status == 429 || status >= 500) {
    kind = core::ErrorKind::http;
  }
  if (auto count = find_field(root, "login_failed_count")) {
    if (auto number = as_integer(*count, "login_failed_count")) message += fmt::format(" (failed logins: {})", *number);
  }
  if (auto retry = find_field(root, "retry_after")) {
    if (auto text = scalar_text(*retry, "retry_after"); text && *text) {
      message += fmt::format(" (retry after {})", safe_excerpt(**text, 40));
    }
  }
  return core::Error{kind, fmt::format("Smartflo HTTP {}: {}", status, message)};
}

core::Result<simdjson::dom::object> root_object(JsonBody body, JsonDocumentParser& parser) {
  auto root = parser.parse(body);
  if (!root) return std::move(root).error();
  auto object = as_object(*root, "");
  if (!object) return std::move(object).error();
  if (auto unique = check_unique_keys(*object, ""); !unique) return std::move(unique).error();
  return *object;
}

// A nested object (agent, user_role): `take` reads the normalized column from it,
// its other fields join the user's attributes as "<key>.<field>". null is kept as is.
template <class Take>
core::Status flatten(RecordReader& reader, std::string_view key, const FieldFilter& filter,
                     model::Attributes& attributes, Take&& take) {
  auto value = reader.take(key);
  if (!value) return {};
  if (value->type() == element_type::NULL_VALUE) {
    attributes.insert_or_assign(std::string(key), "null");
    return {};
  }
  auto nested = RecordReader::open(*value, reader.field_path(key), filter);
  if (!nested) return std::move(nested).error();
  if (auto taken = take(*nested); !taken) return taken;
  auto rest = nested->rest(std::string(key) + ".");
  if (!rest) return std::move(rest).error();
  attributes.merge(*rest);
  return {};
}

core::Result<std::optional<bool>> active_from_status(std::optional<element> value, const std::string& path) {
  if (!value || value->type() == element_type::NULL_VALUE) return std::optional<bool>();
  auto status = as_integer(*value, path);
  if (!status) return std::move(status).error();
  return std::optional<bool>(*status == 1);
}

core::Result<model::User> parse_user(element value, std::string path, const FieldFilter& filter) {
  auto reader = RecordReader::open(value, std::move(path), filter);
  if (!reader) return std::move(reader).error();
  model::User user;
  auto id = reader->take_id("id");
  if (!id) return std::move(id).error();
  user.external_id = std::move(*id);
  for (auto [key, member] : {std::pair{"name", &model::User::full_name}, std::pair{"login_id", &model::User::username},
                             std::pair{"extension", &model::User::extension}}) {
    auto text = reader->take_text(key);
    if (!text) return std::move(text).error();
    user.*member = std::move(*text);
  }
  if (user.username && model::looks_like_email(*user.username)) user.email = model::normalize_email(*user.username);
  auto active = active_from_status(reader->take("user_status"), reader->field_path("user_status"));
  if (!active) return std::move(active).error();
  user.active = *active;
  auto agent = flatten(*reader, "agent", filter, user.attributes, [&](RecordReader& nested) -> core::Status {
    auto phone = nested.take_text("follow_me_number");
    if (!phone) return std::move(phone).error();
    user.phone = std::move(*phone);
    return {};
  });
  if (!agent) return std::move(agent).error();
  auto role = flatten(*reader, "user_role", filter, user.attributes, [&](RecordReader& nested) -> core::Status {
    auto name = nested.take_text("name");
    if (!name) return std::move(name).error();
    if (*name) user.role = model::normalize_role(**name);
    return {};
  });
  if (!role) return std::move(role).error();
  auto attributes = reader->rest();
  if (!attributes) return std::move(attributes).error();
  user.attributes.merge(*attributes);
  return user;
}

core::Status read_users(element data, const FieldFilter& filter, ListingGate* gate, UserPage& page) {
  auto array = as_array(data, "data");
  if (!array) return std::move(array).error();
  std::set<std::string, std::less<>> seen;
  const auto duplicate = [](const std::string& path, const std::string& id) {
    return core::Error{core::ErrorKind::incomplete, fmt::format("{}.id: duplicate user id {}", path, id)};
  };
  std::size_t index = 0;
  for (auto item : *array) {
    const auto path = index_path("data", index++);
    std::optional<std::int64_t> digest;
    const auto key = gate != nullptr ? listed_id(item, "id") : std::nullopt;
    if (key) {
      if (!seen.insert(*key).second) return duplicate(path, *key);
      page.last_id = *key;
      auto known = gate->unchanged(*key, item);
      if (!known) return std::move(known).error();
      if (*known) {
        ++page.unchanged;
        continue;
      }
      digest = gate->last_digest();
    }
    auto user = parse_user(item, path, filter);
    if (!user) return std::move(user).error();
    if (!key && !seen.insert(user->external_id).second) return duplicate(path, user->external_id);
    page.last_id = user->external_id;
    page.users.push_back(std::move(*user));
    page.digests.push_back(digest);
  }
  return {};
}

core::Status read_paging(simdjson::dom::object root, UserPage& page) {
  auto has_more = find_field(root, "has_more");
  if (!has_more) return parse_error("has_more", "missing");
  if (has_more->type() != element_type::BOOL) {
    return parse_error("has_more", fmt::format("expected boolean, got {}", type_name(has_more->type())));
  }
  page.has_more = has_more->get_bool().value_unsafe();
  auto count = find_field(root, "count");
  if (!count) return parse_error("count", "missing");
  auto count_value = as_integer(*count, "count");
  if (!count_value) return std::move(count_value).error();
  page.count = *count_value;
  if (auto cursor = find_field(root, "last_seen_id"); cursor && cursor->type() != element_type::NULL_VALUE) {
    auto text = id_text(*cursor, "last_seen_id");
    if (!text) return std::move(text).error();
    page.last_seen_id = std::move(*text);
  }
  return {};
}

}  // namespace

core::Result<UserPage> parse_user_page(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter,
                                       ListingGate* gate) {
  auto root = root_object(body, parser);
  if (!root) return std::move(root).error();
  if (says_failure(*root)) return error_document(200, *root);
  UserPage page;
  if (auto paging = read_paging(*root, page); !paging) return std::move(paging).error();
  auto data = find_field(*root, "data");
  if (!data) return parse_error("data", "missing");
  if (auto users = read_users(*data, filter, gate, page); !users) return std::move(users).error();
  if (page.count < 0 || static_cast<std::uint64_t>(page.count) != page.records()) {
    return core::Error{core::ErrorKind::incomplete,
                       fmt::format("count: {} but data has {} records", page.count, page.records())};
  }
  if (!page.last_seen_id && (page.has_more || page.records() > 0)) {
    return parse_error("last_seen_id", page.has_more ? "missing or null while has_more is true"
                                                     : "missing or null on a page with records");
  }
  return page;
}

core::Result<Login> parse_login(JsonBody body, JsonDocumentParser& parser) {
  auto root = root_object(body, parser);
  if (!root) return std::move(root).error();
  if (says_failure(*root)) return error_document(200, *root);
  auto token = find_field(*root, "access_token");
  if (!token) return parse_error("access_token", "missing");
  if (token->type() != element_type::STRING) {
    return parse_error("access_token", fmt::format("expected string, got {}", type_name(token->type())));
  }
  Login login{std::string(model::trim(token->get_string().value_unsafe())), k_default_token_lifetime};
  if (login.access_token.empty()) return parse_error("access_token", "empty");
  if (auto safe = reject_control_characters(login.access_token, "access_token"); !safe) return std::move(safe).error();
  if (auto expires = find_field(*root, "expires_in"); expires && expires->type() != element_type::NULL_VALUE) {
    auto seconds = as_integer(*expires, "expires_in");
    if (!seconds) return std::move(seconds).error();
    if (*seconds <= 0) return parse_error("expires_in", "expected a positive number of seconds");
    login.expires_in = std::chrono::seconds(*seconds);
  }
  return login;
}

core::Error error_from_response(long status, JsonBody body, JsonDocumentParser& parser) {
  auto root = root_object(body, parser);
  if (root) return error_document(status, *root);
  const auto kind = status == 401 || status == 403 ? core::ErrorKind::auth : core::ErrorKind::http;
  return core::Error{kind, fmt::format("Smartflo HTTP {}: {}", status, describe_body(body))};
}

}  // namespace rosterd::sources::smartflo
