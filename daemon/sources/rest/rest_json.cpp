#include "sources/rest/rest_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "model/normalize.hpp"
#include "sources/json_values.hpp"

namespace rosterd::sources::rest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The fields of a record its columns read, by member name: a field taken whole leaves
// the attributes; an object some of whose fields were taken leaves its other fields
// there as "<key>.<field>".
class Taken {
 public:
  void take(const config::JsonPath& path) {
    Taken* node = this;
    for (const auto& step : path.steps) {
      node = &node->child(step.token);
      if (step.match_key) return;  // one element of an array: the array stays
    }
    node->m_whole = true;
  }
  [[nodiscard]] const Taken* find(std::string_view key) const {
    for (const auto& [name, child] : m_children) {
      if (name == key) return &child;
    }
    return nullptr;
  }
  [[nodiscard]] bool whole() const { return m_whole; }

 private:
  Taken& child(std::string_view key) {
    for (auto& [name, child] : m_children) {
      if (name == key) return child;
    }
    return m_children.emplace_back(std::string(key), Taken{}).second;
  }

  bool m_whole = false;
  std::vector<std::pair<std::string, Taken>> m_children;
};

// The record's own keys were checked for repeats by map_record(); a nested object's are
// checked here.
core::Status collect(simdjson::dom::object object, const Taken* taken, const std::string& prefix,
                     const std::string& path, const FieldFilter& filter, model::Attributes& out) {
  if (!prefix.empty()) {
    if (auto unique = check_unique_keys(object, path); !unique) return unique;
  }
  for (auto [key, value] : object) {
    if (filter.drops(key)) continue;
    const Taken* part = taken != nullptr ? taken->find(key) : nullptr;
    if (part != nullptr && part->whole()) continue;
    simdjson::dom::object nested;
    if (part != nullptr && value.get(nested) == simdjson::SUCCESS) {
      const auto nested_path = child_path(path, key);
      if (auto inner = collect(nested, part, prefix + std::string(key) + ".", nested_path, filter, out); !inner) {
        return inner;
      }
      continue;
    }
    // The path is for the message of an error, which most values have not.
    auto json = canonical_json(value, filter, {});
    if (!json) json = canonical_json(value, filter, child_path(path, key));
    if (!json) return std::move(json).error();
    out.insert_or_assign(prefix + std::string(key), std::move(*json));
  }
  return {};
}

std::string where(const std::string& path, const config::JsonPath& pointer) { return path + pointer.text; }

// `read` (scalar_text, id_text) of the value at `pointer`; the path its error names is
// only built when there is an error: most records have none.
template <class Read>
auto read_at(Read&& read, element value, const std::string& path, const config::JsonPath& pointer) {
  auto result = read(value, std::string_view{});
  if (!result) return read(value, where(path, pointer));
  return result;
}

core::Result<std::optional<std::string>> candidate_text(element record, const std::string& path,
                                                        const config::RestCandidate& candidate,
                                                        const FieldFilter& filter) {
  std::optional<std::string> joined;
  for (const auto& pointer : candidate.pointers) {
    const auto value = at_path(record, pointer, &filter);
    if (!value) continue;
    auto text = read_at(scalar_text, *value, path, pointer);
    if (!text) return std::move(text).error();
    if (!candidate.joined) return text;
    if (*text) joined = joined ? *joined + candidate.separator + **text : std::move(*text);
  }
  return joined;
}

std::optional<std::string> transformed(std::optional<std::string> text, const config::RestColumn& column) {
  for (const auto transform : column.transforms) {
    if (!text) return text;
    switch (transform) {
      case config::Transform::lower:
        text = model::ascii_lower(*text);
        break;
      case config::Transform::upper:
        std::transform(text->begin(), text->end(), text->begin(),
                       [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
        break;
      case config::Transform::email:
        text = model::looks_like_email(*text) ? model::normalize_email(*text) : std::nullopt;
        break;
    }
  }
  return text;
}

// The column's text: the first candidate that gives one, through the map and the
// transforms. `flag`: the map must know the value (active).
core::Result<std::optional<std::string>> column_text(element record, const std::string& path,
                                                     const config::RestColumn& column, const FieldFilter& filter,
                                                     std::string_view name) {
  std::optional<std::string> text;
  const config::RestCandidate* from = nullptr;
  for (const auto& candidate : column.first) {
    auto value = candidate_text(record, path, candidate, filter);
    if (!value) return std::move(value).error();
    if (*value) {
      text = std::move(*value);
      from = &candidate;
      break;
    }
  }
  if (!text) return text;
  if (!column.map.empty()) {
    const auto hit = std::find_if(column.map.begin(), column.map.end(), [&](const auto& entry) { return entry.first == *text; });
    if (hit != column.map.end()) {
      text = hit->second;
    } else if (column.otherwise) {
      text = *column.otherwise;
    } else if (name == "active") {
      return parse_error(where(path, from->pointers.front()),
                         fmt::format("\"{}\" is not in the map of active", safe_excerpt(*text, 40)));
    }
  }
  if (column.map.empty() && column.transforms.empty()) return text;  // scalar_text trimmed it
  text = transformed(std::move(text), column);
  return text ? model::text_or_null(*text) : text;
}

// ASCII lower-casing in place (model::ascii_lower without the copy).
void lower_in_place(std::optional<std::string>& text) {
  if (!text) return;
  for (auto& c : *text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

// The fields the definition's id and columns read (those not kept): the same for every
// record, since it depends on the pointers alone.
Taken taken_by(const config::RestDefinition& definition) {
  Taken taken;
  taken.take(definition.id);
  const auto& c = definition.columns;
  for (const auto* column : {&c.username, &c.full_name, &c.email, &c.phone, &c.extension, &c.role, &c.user_group,
                             &c.active}) {
    if (!*column) continue;
    for (const auto& candidate : (*column)->first) {
      if (!candidate.consume) continue;
      for (const auto& pointer : candidate.pointers) taken.take(pointer);
    }
  }
  return taken;
}

// One record, with `taken` (taken_by(definition)) computed once per page.
core::Result<model::User> map_one(element record, const std::string& path, const config::RestDefinition& definition,
                                  const FieldFilter& filter, const Taken& taken, std::optional<std::string> key = {}) {
  simdjson::dom::object object;
  if (record.get(object) != simdjson::SUCCESS) {
    return parse_error(path, fmt::format("expected an object, got {}", type_name(record.type())));
  }
  if (auto unique = check_unique_keys(object, path); !unique) return std::move(unique).error();
  model::User user;
  if (key) {  // read by the page already
    user.external_id = std::move(*key);
  } else {
    const auto id = at_path(record, definition.id, &filter);
    if (!id) return parse_error(where(path, definition.id), "missing");
    auto id_value = read_at(id_text, *id, path, definition.id);
    if (!id_value) return std::move(id_value).error();
    user.external_id = std::move(*id_value);
  }

  const auto& c = definition.columns;
  const std::pair<const std::optional<config::RestColumn>*, std::optional<std::string> model::User::*> text_columns[] = {
      {&c.username, &model::User::username}, {&c.full_name, &model::User::full_name},
      {&c.email, &model::User::email},       {&c.phone, &model::User::phone},
      {&c.extension, &model::User::extension}, {&c.role, &model::User::role},
      {&c.user_group, &model::User::user_group}};
  for (const auto& [column, member] : text_columns) {
    if (!*column) continue;
    auto text = column_text(record, path, **column, filter, "");
    if (!text) return std::move(text).error();
    user.*member = std::move(*text);
  }
  // README, "Vendors": e-mails and roles are lower-cased, whatever the source.
  lower_in_place(user.email);
  lower_in_place(user.role);
  if (c.active) {
    auto text = column_text(record, path, *c.active, filter, "active");
    if (!text) return std::move(text).error();
    if (*text) {
      user.active = model::parse_active_flag(**text);
      if (!user.active) {
        return parse_error(where(path, c.active->first.front().pointers.front()),
                           fmt::format("\"{}\" is not an active flag (give active a map)", safe_excerpt(**text, 40)));
      }
    }
  }
  if (auto rest = collect(object, &taken, "", path, filter, user.attributes); !rest) return std::move(rest).error();
  return user;
}

}  // namespace

core::Result<model::User> map_record(element record, const std::string& path, const config::RestDefinition& definition,
                                     const FieldFilter& filter) {
  return map_one(record, path, definition, filter, taken_by(definition));
}

core::Result<RestPage> read_rest_page(element root, const config::RestDefinition& definition,
                                      const FieldFilter& filter, ListingGate* gate) {
  RestPage page;
  if (definition.total) {
    const auto value = at_path(root, *definition.total, nullptr);
    if (!value) return parse_error(definition.total->text, "missing (the listing's total)");
    auto total = as_integer(*value, definition.total->text);
    if (!total) return std::move(total).error();
    if (*total < 0) return parse_error(definition.total->text, fmt::format("negative total {}", *total));
    page.total = *total;
  }
  const auto& paging = definition.paging;
  if (paging.next) {
    if (const auto value = at_path(root, *paging.next, nullptr); value && value->type() != element_type::NULL_VALUE) {
      auto text = id_text(*value, paging.next->text);
      if (!text) return std::move(text).error();
      page.next_cursor = std::move(*text);
    }
  }
  if (paging.has_more) {
    const auto value = at_path(root, *paging.has_more, nullptr);
    if (!value) return parse_error(paging.has_more->text, "missing");
    auto flag = flag_value(*value, paging.has_more->text);
    if (!flag) return std::move(flag).error();
    if (!*flag) return parse_error(paging.has_more->text, "null");
    page.has_more = **flag;
  }
  const auto records = at_path(root, definition.records, nullptr);
  // SCIM leaves Resources out of an empty listing (RFC 7644 3.4.2).
  if (!records && page.total == 0) return page;
  if (!records) return parse_error(definition.records.text, "missing (the page's records)");
  auto array = as_array(*records, definition.records.text);
  if (!array) return std::move(array).error();
  if (definition.count) {
    const auto value = at_path(root, *definition.count, nullptr);
    if (!value) return parse_error(definition.count->text, "missing (the page's count)");
    auto count = as_integer(*value, definition.count->text);
    if (!count) return std::move(count).error();
    if (*count < 0 || static_cast<std::size_t>(*count) != array->size()) {
      return core::Error{core::ErrorKind::incomplete, fmt::format("{}: {} but {} has {} records", definition.count->text,
                                                                  *count, definition.records.text, array->size())};
    }
  }

  const Taken taken = taken_by(definition);
  std::set<std::string, std::less<>> seen;
  std::size_t index = 0;
  std::optional<element> last;
  for (auto item : *array) {
    const auto path = fmt::format("{}[{}]", definition.records.text, index++);
    last = item;
    std::optional<std::string> key;
    if (const auto id = at_path(item, definition.id, &filter)) {
      if (auto text = id_text(*id, {})) key = std::move(*text);
    }
    std::optional<std::int64_t> digest;
    if (key) {
      if (!seen.insert(*key).second) {
        return core::Error{core::ErrorKind::incomplete, fmt::format("{}: duplicate user id {}", where(path, definition.id), *key)};
      }
      if (!page.first_id) page.first_id = key;
      page.last_id = key;
      if (gate != nullptr) {
        auto known = gate->unchanged(*key, item);
        if (!known) return std::move(known).error();
        if (*known) {
          ++page.unchanged;
          continue;
        }
        digest = gate->last_digest();
      }
    }
    auto user = map_one(item, path, definition, filter, taken, std::move(key));
    if (!user) return std::move(user).error();
    page.users.push_back(std::move(*user));
    page.digests.push_back(digest);
  }
  if (paging.next_from_record && last) {
    const auto value = at_path(*last, *paging.next_from_record, &filter);
    if (!value) return parse_error(where(definition.records.text, *paging.next_from_record), "missing on the last record");
    auto text = id_text(*value, where(definition.records.text, *paging.next_from_record));
    if (!text) return std::move(text).error();
    page.next_cursor = std::move(*text);
  }
  return page;
}

core::Result<RestPage> parse_rest_page(long status, JsonBody body, JsonDocumentParser& parser,
                                       const config::RestDefinition& definition, const FieldFilter& filter) {
  auto root = successful_body(status, body, parser, definition.success);
  if (!root) return std::move(root).error();
  return read_rest_page(*root, definition, filter);
}

}  // namespace rosterd::sources::rest
