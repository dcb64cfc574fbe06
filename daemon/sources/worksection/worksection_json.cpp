#include "sources/worksection/worksection_json.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "model/normalize.hpp"

namespace rosterd::sources::worksection {
namespace {

using simdjson::dom::element_type;

// status_code 2: "Action hash is missed or invalid" (docs/vendor-facts.md 2.2).
constexpr std::int64_t k_bad_hash = 2;

core::Error error_document(simdjson::dom::object root) {
  std::optional<std::int64_t> code;
  if (auto value = find_field(root, "status_code")) {
    if (auto number = as_integer(*value, "status_code")) code = *number;
  }
  std::string message = "(no message)";
  if (auto value = find_field(root, "message"); value && value->type() == element_type::STRING) {
    message = safe_excerpt(value->get_string().value_unsafe());
  }
  const auto kind = code == k_bad_hash ? core::ErrorKind::auth : core::ErrorKind::vendor;
  if (!code) return core::Error{kind, fmt::format("Worksection error: {}", message)};
  return core::Error{kind, fmt::format("Worksection error {}: {}", *code, message)};
}

// The first present of `keys`, read without consuming (see worksection_json.hpp).
core::Result<std::optional<std::string>> first_text(const RecordReader& reader,
                                                    std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    auto text = reader.peek_text(key);
    if (!text || *text) return text;
  }
  return std::optional<std::string>();
}

core::Result<model::User> parse_user(simdjson::dom::element value, std::string path, const FieldFilter& filter) {
  auto reader = RecordReader::open(value, std::move(path), filter);
  if (!reader) return std::move(reader).error();
  model::User user;
  auto id = reader->take_id("id");
  if (!id) return std::move(id).error();
  user.external_id = std::move(*id);
  auto email = reader->take_text("email");
  if (!email) return std::move(email).error();
  if (*email) user.email = model::normalize_email(**email);
  user.username = user.email;
  auto name = reader->take_text("name");
  if (!name) return std::move(name).error();
  if (*name) {
    user.full_name = std::move(*name);
  } else {
    auto first = reader->peek_text("first_name");
    if (!first) return std::move(first).error();
    auto last = reader->peek_text("last_name");
    if (!last) return std::move(last).error();
    user.full_name = model::join_name(*first, *last);
  }
  auto phone = reader->take_text("phone");
  if (!phone) return std::move(phone).error();
  if (!*phone) phone = first_text(*reader, {"phone3", "phone2", "phone4"});
  if (!phone) return std::move(phone).error();
  user.phone = std::move(*phone);
  auto role = reader->take_text("role");
  if (!role) return std::move(role).error();
  if (*role) user.role = model::normalize_role(**role);
  auto group = reader->take_text("group");
  if (!group) return std::move(group).error();
  user.user_group = std::move(*group);
  auto attributes = reader->rest();
  if (!attributes) return std::move(attributes).error();
  user.attributes = std::move(*attributes);
  return user;
}

}  // namespace

core::Result<std::vector<model::User>> parse_users(JsonBody body, JsonDocumentParser& parser,
                                                   const FieldFilter& filter) {
  auto root_value = parser.parse(body);
  if (!root_value) return std::move(root_value).error();
  auto root = as_object(*root_value, "");
  if (!root) return std::move(root).error();
  if (auto unique = check_unique_keys(*root, ""); !unique) return std::move(unique).error();
  auto status = find_field(*root, "status");
  if (!status) return parse_error("status", "missing");
  if (status->type() != element_type::STRING) {
    return parse_error("status", fmt::format("expected string, got {}", type_name(status->type())));
  }
  const std::string_view status_text = status->get_string().value_unsafe();
  if (status_text == "error") return error_document(*root);
  if (status_text != "ok") return parse_error("status", "expected \"ok\" or \"error\"");
  auto data = find_field(*root, "data");
  if (!data) return parse_error("data", "missing");
  auto array = as_array(*data, "data");
  if (!array) return std::move(array).error();
  std::vector<model::User> users;
  std::set<std::string, std::less<>> seen;
  std::size_t index = 0;
  for (auto item : *array) {
    const auto path = index_path("data", index++);
    auto user = parse_user(item, path, filter);
    if (!user) return std::move(user).error();
    if (!seen.insert(user->external_id).second) {
      return core::Error{core::ErrorKind::incomplete,
                         fmt::format("{}.id: duplicate user id {}", path, user->external_id)};
    }
    users.push_back(std::move(*user));
  }
  return users;
}

}  // namespace rosterd::sources::worksection
