#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "config/config_keys.hpp"
#include "config/rest_reader.hpp"
#include "core/duration.hpp"

namespace rosterd::config::rest_reading {

RestAuth RestReader::auth(const Field& field) const {
  const auto fields = map_of(field);
  const Field& type = required(fields, "type", field.key_path, field.location,
                               " (none, bearer, header, query, basic, form, signature or login)");
  RestAuth out;
  out.kind = choice<AuthKind>(type, {{"none", AuthKind::none},
                                     {"bearer", AuthKind::bearer},
                                     {"header", AuthKind::header},
                                     {"query", AuthKind::query},
                                     {"basic", AuthKind::basic},
                                     {"form", AuthKind::form},
                                     {"signature", AuthKind::signature},
                                     {"login", AuthKind::login}});
  const auto need = [&](std::string_view key) -> const Field& {
    return required(fields, key, field.key_path, field.location, fmt::format(" for auth type {}", scalar(type)));
  };
  switch (out.kind) {
    case AuthKind::none:
      only_keys(fields, keys_of("definition.auth", "none"), "auth type none");
      break;
    case AuthKind::bearer:
      only_keys(fields, keys_of("definition.auth", "bearer"), "auth type bearer");
      out.value = template_value(need("token"));
      break;
    case AuthKind::header:
    case AuthKind::query:
      only_keys(fields, keys_of("definition.auth", scalar(type)), fmt::format("auth type {}", scalar(type)));
      out.name = scalar(need("name"));
      out.value = template_value(need("value"));
      break;
    case AuthKind::basic:
      only_keys(fields, keys_of("definition.auth", "basic"), "auth type basic");
      out.username = template_value(need("username"));
      out.password = template_value(need("password"));
      break;
    case AuthKind::form:
      only_keys(fields, keys_of("definition.auth", "form"), "auth type form");
      out.fields = template_map(need("fields"));
      if (out.fields.empty()) fail(need("fields"), "lists no field");
      break;
    case AuthKind::signature:
      only_keys(fields, keys_of("definition.auth", "signature"), "auth type signature");
      out.name = scalar(need("name"));
      out.algorithm = choice<std::string>(need("algorithm"), {{"md5", "md5"}, {"sha256", "sha256"}});
      out.key = template_value(need("key"));
      break;
    case AuthKind::login:
      login(fields, field, out);
      break;
  }
  return out;
}

void RestReader::login(const std::vector<Field>& fields, const Field& field, RestAuth& out) const {
  only_keys(fields, keys_of("definition.auth", "login"), "auth type login");
  const auto need = [&](std::string_view key) -> const Field& {
    return required(fields, key, field.key_path, field.location, " for auth type login");
  };
  out.login = request(need("request"), "a login request");
  if (const Field* success_field = find_field(fields, "success")) out.login_success = success(*success_field);
  out.token = path_value(need("token"));
  if (const Field* expires = find_field(fields, "expires_in")) out.expires_in = path_value(*expires);
  if (const Field* lifetime = find_field(fields, "lifetime")) {
    const auto value = core::parse_duration(scalar(*lifetime));
    if (!value || *value < std::chrono::seconds{1}) {
      fail(*lifetime, fmt::format("\"{}\" is not a duration of 1s or more", scalar(*lifetime)));
    }
    out.lifetime = std::chrono::duration_cast<std::chrono::seconds>(*value);
  }
  if (const Field* send = find_field(fields, "send")) {
    const auto parts = map_of(*send);
    only_keys(parts, keys_of("definition.auth.send"), "send");
    const Field* header = find_field(parts, "header");
    const Field* query = find_field(parts, "query");
    if ((header == nullptr) == (query == nullptr)) fail(*send, "takes a header (and its prefix) or a query parameter");
    if (query != nullptr) {
      if (find_field(parts, "prefix") != nullptr) fail(*find_field(parts, "prefix"), "goes with header, not query");
      out.use_query = scalar(*query);
      out.use_header.clear();
      out.use_prefix.clear();
    } else {
      out.use_header = scalar(*header);
      const Field* prefix = find_field(parts, "prefix");
      out.use_prefix = prefix != nullptr ? scalar(*prefix) : "";
    }
  }
}

RestPaging RestReader::paging(const Field& field) const {
  const auto fields = map_of(field);
  const Field& type =
      required(fields, "type", field.key_path, field.location, " (none, page, offset, cursor or link)");
  RestPaging out;
  out.kind = choice<PagingKind>(type, {{"none", PagingKind::none},
                                       {"page", PagingKind::page},
                                       {"offset", PagingKind::offset},
                                       {"cursor", PagingKind::cursor},
                                       {"link", PagingKind::link}});
  const auto need = [&](std::string_view key) -> const Field& {
    return required(fields, key, field.key_path, field.location, fmt::format(" for paging type {}", scalar(type)));
  };
  switch (out.kind) {
    case PagingKind::none:
    case PagingKind::link:
      only_keys(fields, keys_of("definition.paging", scalar(type)), fmt::format("paging type {}", scalar(type)));
      break;
    case PagingKind::page:
    case PagingKind::offset: {
      only_keys(fields, keys_of("definition.paging", scalar(type)), fmt::format("paging type {}", scalar(type)));
      out.param = scalar(need("param"));
      if (const Field* first = find_field(fields, "first")) out.first = whole_number(*first, 0, 1);
      const Field* size_param = find_field(fields, "size_param");
      const Field* size = find_field(fields, "size");
      if ((size_param == nullptr) != (size == nullptr)) {
        fail(size_param != nullptr ? *size_param : *size, "size_param and size go together");
      }
      if (size_param != nullptr) {
        out.size_param = scalar(*size_param);
        out.size = template_value(*size);
      } else if (out.kind == PagingKind::offset) {
        (void)need("size_param");
      }
      break;
    }
    case PagingKind::cursor: {
      only_keys(fields, keys_of("definition.paging", "cursor"), "paging type cursor");
      out.param = scalar(need("param"));
      const Field* next = find_field(fields, "next");
      const Field* from_record = find_field(fields, "next_from_record");
      if ((next == nullptr) == (from_record == nullptr)) {
        fail(field, "paging type cursor takes next (the next cursor in the answer) or next_from_record (a field of "
                    "the page's last record), one of them");
      }
      if (next != nullptr) out.next = path_value(*next);
      if (from_record != nullptr) out.next_from_record = path_value(*from_record);
      if (const Field* has_more = find_field(fields, "has_more")) out.has_more = path_value(*has_more);
      if (out.next_from_record && !out.has_more) {
        fail(*from_record, "needs has_more: a cursor read from the last record does not say when the listing ends");
      }
      break;
    }
  }
  return out;
}

// A candidate: "/pointer", or a map with pointer or join (and separator), and keep.
RestCandidate RestReader::candidate(const Field& field, const std::vector<Field>* fields) const {
  RestCandidate out;
  if (fields == nullptr) {
    out.pointers.push_back(path_value(field));
    return out;
  }
  const Field* pointer = find_field(*fields, "pointer");
  const Field* join = find_field(*fields, "join");
  if ((pointer == nullptr) == (join == nullptr)) fail(field, "takes pointer, or join (a list of pointers), one of them");
  if (pointer != nullptr) out.pointers.push_back(path_value(*pointer));
  if (join != nullptr) {
    out.joined = true;
    for (const Field& item : list_items(m_context, *join)) out.pointers.push_back(path_value(item));
    if (out.pointers.empty()) fail(*join, "lists no pointer");
  }
  if (const Field* separator = find_field(*fields, "separator")) {
    if (join == nullptr) fail(*separator, "goes with join");
    out.separator = scalar(*separator);
  }
  if (const Field* keep = find_field(*fields, "keep")) out.consume = !boolean(*keep);
  return out;
}

RestColumn RestReader::column(const Field& field, bool flag) const {
  RestColumn out;
  if (field.value.IsScalar()) {
    out.first.push_back(candidate(field, nullptr));
    return out;
  }
  const auto fields = map_of(field);
  only_keys(fields, keys_of("definition.columns.COLUMN"), "a column");
  if (const Field* first = find_field(fields, "first")) {
    for (const auto& key : keys_of("definition.columns.COLUMN.first[]")) {
      if (const Field* other = find_field(fields, key)) fail(*other, "goes in an entry of first, not beside it");
    }
    for (const Field& item : list_items(m_context, *first)) {
      if (item.value.IsScalar()) {
        out.first.push_back(candidate(item, nullptr));
        continue;
      }
      const auto parts = map_of(item);
      only_keys(parts, keys_of("definition.columns.COLUMN.first[]"), "an entry of first");
      out.first.push_back(candidate(item, &parts));
    }
    if (out.first.empty()) fail(*first, "lists nothing");
  } else {
    out.first.push_back(candidate(field, &fields));
  }
  if (const Field* transform = find_field(fields, "transform")) {
    std::vector<Field> items = transform->value.IsSequence() ? list_items(m_context, *transform)
                                                             : std::vector<Field>{*transform};
    for (const Field& item : items) {
      out.transforms.push_back(
          choice<Transform>(item, {{"lower", Transform::lower}, {"upper", Transform::upper}, {"email", Transform::email}}));
    }
    if (flag && !out.transforms.empty()) fail(*transform, "active is true or false: it takes map, not transform");
  }
  if (const Field* map = find_field(fields, "map")) {
    for (const Field& entry : map_of(*map)) {
      const std::string value = entry.value.IsNull() ? std::string() : scalar(entry);
      if (flag && value != "true" && value != "false" && !value.empty()) {
        fail(entry, fmt::format("\"{}\" is not true, false or null (active is a flag)", value));
      }
      out.map.emplace_back(entry.key, value);
    }
  }
  if (const Field* otherwise = find_field(fields, "otherwise")) {
    if (find_field(fields, "map") == nullptr) fail(*otherwise, "goes with map: the value of what the map lacks");
    out.otherwise = otherwise->value.IsNull() ? std::string() : scalar(*otherwise);
    if (flag && *out.otherwise != "true" && *out.otherwise != "false" && !out.otherwise->empty()) {
      fail(*otherwise, fmt::format("\"{}\" is not true, false or null (active is a flag)", *out.otherwise));
    }
  }
  return out;
}

void RestReader::columns(const Field& field) const {
  auto& c = m_definition.columns;
  const std::vector<std::pair<std::string, std::optional<RestColumn>*>> targets = {
      {"username", &c.username}, {"full_name", &c.full_name}, {"email", &c.email},
      {"phone", &c.phone},       {"extension", &c.extension}, {"role", &c.role},
      {"user_group", &c.user_group}, {"active", &c.active}};
  // The columns a definition may set are the table's (config_keys.cpp); each has its target here.
  const auto fields = map_of(field);
  only_keys(fields, keys_of("definition.columns"), "columns");
  for (const Field& entry : fields) {
    const auto target = std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return t.first == entry.key; });
    if (target == targets.end()) throw std::logic_error("column " + entry.key + " has no target in RestColumns");
    auto* into = target->second;
    const bool flag = target->first == "active";
    checked(m_context, [&] { *into = column(entry, flag); });
  }
}

}  // namespace rosterd::config::rest_reading
