#include "sources/class4/class4_json.hpp"

#include <fmt/format.h>

#include <limits>
#include <set>
#include <utility>

#include "model/normalize.hpp"

namespace rosterd::sources::class4 {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string string_field(simdjson::dom::object object, std::string_view key) {
  auto value = find_field(object, key);
  if (!value) return {};
  auto text = scalar_text(*value, key);
  return text && *text ? safe_excerpt(**text, 120) : std::string();
}

// error{code, reason, message} -> "reason (code): message".
std::string error_detail(simdjson::dom::object root) {
  auto error = find_field(root, "error");
  if (!error || error->type() != element_type::OBJECT) return {};
  const auto object = error->get_object().value_unsafe();
  const auto code = string_field(object, "code");
  const auto reason = string_field(object, "reason");
  const auto message = string_field(object, "message");
  return fmt::format("{}{}{}{}", reason, code.empty() ? "" : fmt::format(" ({})", code),
                     reason.empty() && code.empty() ? "" : ": ", message);
}

// validation_error: errors maps a field name to a list of messages.
std::string validation_detail(simdjson::dom::object root) {
  auto errors = find_field(root, "errors");
  if (!errors || errors->type() != element_type::OBJECT) return {};
  std::string out;
  const FieldFilter secrets;
  const simdjson::dom::object fields = errors->get_object().value_unsafe();
  for (auto field : fields) {
    // A message about a password field might quote the value: name the field only.
    auto messages = secrets.drops(field.key) ? core::Result<std::string>(std::string("(withheld)"))
                                             : canonical_json(field.value, secrets, "errors");
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {}", field.key, messages ? *messages : std::string("?"));
  }
  return safe_excerpt(out, 200);
}

core::Error error_document(long status, simdjson::dom::object root) {
  const auto type = string_field(root, "error_type");
  std::string detail;
  if (type == "validation_error") {
    detail = validation_detail(root);
  } else if (type == "attribute_not_exists") {
    detail = string_field(root, "attribute");
  } else {
    detail = error_detail(root);
  }
  auto kind = core::ErrorKind::vendor;
  if (type == "unauthenticated_error" || status == 401 || status == 403) {
    kind = core::ErrorKind::auth;
  } else if (type.empty() && (status == 429 || status >= 500)) {
    kind = core::ErrorKind::http;
  }
  const auto name = type.empty() ? std::string("error without error_type") : type;
  return core::Error{kind, fmt::format("Class4 HTTP {}: {}{}{}", status, name, detail.empty() ? "" : " ", detail)};
}

// The root object; {"success":false,...} (or any error_type document) becomes its error.
core::Result<simdjson::dom::object> success_root(JsonBody body, JsonDocumentParser& parser) {
  auto root = parser.parse(body);
  if (!root) return std::move(root).error();
  auto object = as_object(*root, "");
  if (!object) return std::move(object).error();
  if (auto unique = check_unique_keys(*object, ""); !unique) return std::move(unique).error();
  auto success = find_field(*object, "success");
  if (!success) {
    // The list example in the DNL API's user list page has no "success"; error
    // documents always carry error_type (docs/vendor-facts.md 4.4).
    if (find_field(*object, "error_type")) return error_document(200, *object);
    return *object;
  }
  if (success->type() != element_type::BOOL) {
    return parse_error("success", fmt::format("expected boolean, got {}", type_name(success->type())));
  }
  if (!success->get_bool().value_unsafe()) return error_document(200, *object);
  return *object;
}

core::Result<model::User> parse_user(element value, std::string path, const FieldFilter& filter) {
  auto reader = RecordReader::open(value, std::move(path), filter);
  if (!reader) return std::move(reader).error();
  model::User user;
  auto id = reader->take_id("user_id");
  if (!id) return std::move(id).error();
  user.external_id = std::move(*id);
  for (auto [key, member] : {std::pair{"name", &model::User::username}, std::pair{"fullname", &model::User::full_name},
                             std::pair{"email", &model::User::email}, std::pair{"role_name", &model::User::role},
                             std::pair{"user_type", &model::User::user_group}}) {
    auto text = reader->take_text(key);
    if (!text) return std::move(text).error();
    user.*member = std::move(*text);
  }
  if (user.email) user.email = model::normalize_email(*user.email);
  if (user.role) user.role = model::normalize_role(*user.role);
  if (!user.full_name) {
    auto first = reader->peek_text("first_name");
    if (!first) return std::move(first).error();
    auto last = reader->peek_text("last_name");
    if (!last) return std::move(last).error();
    user.full_name = model::join_name(*first, *last);
  }
  auto active = reader->take_flag("active");
  if (!active) return std::move(active).error();
  user.active = *active;
  auto attributes = reader->rest();
  if (!attributes) return std::move(attributes).error();
  user.attributes = std::move(*attributes);
  return user;
}

core::Result<std::int64_t> paging_number(RecordReader& payload, std::string_view key) {
  auto value = payload.take(key);
  if (!value) return parse_error(payload.field_path(key), "missing");
  auto number = as_integer(*value, payload.field_path(key));
  if (number && *number < 0) return parse_error(payload.field_path(key), "negative");
  return number;
}

// The page cannot hold more than per_page items, nor reach past total.
core::Status check_page_bounds(const PageInfo& page) {
  const auto items = page.items;
  if (items > page.per_page) {
    return core::Error{core::ErrorKind::incomplete,
                       fmt::format("payload.items: {} items but per_page is {}", items, page.per_page)};
  }
  const auto max = std::numeric_limits<std::int64_t>::max();
  const bool overflow = page.per_page > 0 && page.page > (max - items) / page.per_page;
  if (overflow || page.page * page.per_page + items > page.total) {
    return core::Error{core::ErrorKind::incomplete,
                       fmt::format("payload.items: page {} of {} per page holds {} items, beyond total {}", page.page,
                                   page.per_page, items, page.total)};
  }
  return {};
}

// Returns how many items the page held.
core::Result<std::int64_t> read_items(simdjson::dom::array items, const FieldFilter& filter,
                                      const UserConsumer& consume, ListingGate* gate) {
  std::set<std::string, std::less<>> seen;
  const auto duplicate = [](const std::string& path, const std::string& id) {
    return core::Error{core::ErrorKind::incomplete, fmt::format("{}.user_id: duplicate user id {}", path, id)};
  };
  std::size_t index = 0;
  for (auto item : items) {
    const auto path = index_path("payload.items", index++);
    if (gate != nullptr) gate->forget();
    const auto key = gate != nullptr ? listed_id(item, "user_id") : std::nullopt;
    if (key) {
      if (!seen.insert(*key).second) return duplicate(path, *key);
      auto known = gate->unchanged(*key, item);
      if (!known) return std::move(known).error();
      if (*known) continue;
    }
    auto user = parse_user(item, path, filter);
    if (!user) return std::move(user).error();
    if (!key && !seen.insert(user->external_id).second) return duplicate(path, user->external_id);
    if (auto consumed = consume(std::move(*user)); !consumed) return std::move(consumed).error();
  }
  return static_cast<std::int64_t>(index);
}

}  // namespace

core::Result<PageInfo> parse_user_page(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter,
                                       const PageCheck& check, const UserConsumer& consume, ListingGate* gate) {
  auto root = success_root(body, parser);
  if (!root) return std::move(root).error();
  auto payload_value = find_field(*root, "payload");
  if (!payload_value) return parse_error("payload", "missing");
  auto payload = RecordReader::open(*payload_value, "payload", filter);
  if (!payload) return std::move(payload).error();
  PageInfo page;
  for (auto [key, member] : {std::pair{"total", &PageInfo::total}, std::pair{"page", &PageInfo::page},
                             std::pair{"per_page", &PageInfo::per_page}}) {
    auto number = paging_number(*payload, key);
    if (!number) return std::move(number).error();
    page.*member = *number;
  }
  auto items_value = payload->take("items");
  if (!items_value) return parse_error("payload.items", "missing");
  auto items = as_array(*items_value, "payload.items");
  if (!items) return std::move(items).error();
  // Bounds first, from the array's size (exact below 2^24 elements, where simdjson
  // saturates; the count read is checked again below).
  page.items = static_cast<std::int64_t>(items->size());
  if (auto bounds = check_page_bounds(page); !bounds) return std::move(bounds).error();
  if (auto checked = check(page); !checked) return std::move(checked).error();
  auto read = read_items(*items, filter, consume, gate);
  if (!read) return std::move(read).error();
  if (*read != page.items) {
    page.items = *read;
    if (auto bounds = check_page_bounds(page); !bounds) return std::move(bounds).error();
  }
  return page;
}

core::Result<UserPage> parse_user_page(JsonBody body, JsonDocumentParser& parser, const FieldFilter& filter) {
  UserPage page;
  auto info = parse_user_page(
      body, parser, filter, [](const PageInfo&) -> core::Status { return {}; },
      [&page](model::User&& user) -> core::Status {
        page.users.push_back(std::move(user));
        return {};
      });
  if (!info) return std::move(info).error();
  page.total = info->total;
  page.page = info->page;
  page.per_page = info->per_page;
  return page;
}

core::Result<std::string> parse_login(JsonBody body, JsonDocumentParser& parser) {
  auto root = success_root(body, parser);
  if (!root) return std::move(root).error();
  auto payload_value = find_field(*root, "payload");
  if (!payload_value) return parse_error("payload", "missing");
  auto payload = as_object(*payload_value, "payload");
  if (!payload) return std::move(payload).error();
  if (auto unique = check_unique_keys(*payload, "payload"); !unique) return std::move(unique).error();
  auto token = find_field(*payload, "token");
  if (!token) return parse_error("payload.token", "missing");
  if (token->type() != element_type::STRING) {
    return parse_error("payload.token", fmt::format("expected string, got {}", type_name(token->type())));
  }
  std::string text(model::trim(token->get_string().value_unsafe()));
  if (text.empty()) return parse_error("payload.token", "empty");
  if (auto safe = reject_control_characters(text, "payload.token"); !safe) return std::move(safe).error();
  return text;
}

core::Error error_from_response(long status, JsonBody body, JsonDocumentParser& parser) {
  auto root = parser.parse(body);
  if (root && root->type() == element_type::OBJECT) return error_document(status, root->get_object().value_unsafe());
  const auto kind = status == 401 || status == 403 ? core::ErrorKind::auth : core::ErrorKind::http;
  return core::Error{kind, fmt::format("Class4 HTTP {}: {}", status, describe_body(body))};
}

}  // namespace rosterd::sources::class4
