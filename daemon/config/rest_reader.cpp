#include "config/rest_reader.hpp"

#include <algorithm>
#include <cctype>

#include "config/config_keys.hpp"
#include "config/rest_definition_parser.hpp"
#include "config/values.hpp"

namespace rosterd::config::rest_reading {

bool contains(const Keys& keys, std::string_view key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

// Every key of `fields` is one of `allowed`; `what` names the map in the message.
void only_keys(const std::vector<Field>& fields, const Keys& allowed, std::string_view what) {
  for (const auto& field : fields) {
    if (contains(allowed, field.key)) continue;
    std::string hint = did_you_mean(field.key, allowed);
    if (hint.empty()) hint = fmt::format(" ({} takes: {})", what, fmt::join(allowed, ", "));
    fail(field, fmt::format("unknown key{}", hint));
  }
}

const Field& required(const std::vector<Field>& fields, std::string_view key, const std::string& path,
                      const Location& where, std::string_view why) {
  if (const Field* field = find_field(fields, key)) return *field;
  throw ConfigError(where, child_path(path, key), fmt::format("is required{}", why));
}

// A definition's text as written. It holds no ${...}: values that differ per source,
// credentials above all, are parameters ({{name}}).
std::string scalar(const Field& field) {
  if (!field.value.IsScalar()) fail(field, fmt::format("expected a string, got {}", kind_of(field.value)));
  const std::string& text = field.value.Scalar();
  if (text.find("${") != std::string::npos) {
    fail(field, "a definition takes no ${...}; declare a parameter and write {{name}} (its value, with ${credential:...} "
                "or ${env:...}, goes under the source's `parameters:`)");
  }
  return text;
}

long long whole_number(const Field& field, long long min, long long max) {
  const std::string text = scalar(field);
  const auto value = parse_integer(text);
  if (!value || *value < min || *value > max) {
    fail(field, fmt::format("\"{}\" is not a whole number from {} to {}", text, min, max));
  }
  return *value;
}

bool boolean(const Field& field) {
  const std::string text = scalar(field);
  if (text == "true") return true;
  if (text == "false") return false;
  fail(field, fmt::format("\"{}\" is not true or false", text));
}

JsonPath path_value(const Field& field) {
  std::string problem;
  auto path = parse_json_path(scalar(field), problem);
  if (!path) fail(field, fmt::format("\"{}\" is not a JSON pointer: {}", scalar(field), problem));
  return std::move(*path);
}

std::vector<Field> list_items(const ParseContext& context, const Field& field) {
  if (!field.value.IsSequence()) fail(field, fmt::format("expected a list, got {}", kind_of(field.value)));
  std::vector<Field> items;
  std::size_t index = 0;
  for (const auto& element : field.value) {
    items.push_back(Field{field.key, fmt::format("{}[{}]", field.key_path, index++), element, location_of(context, element)});
  }
  return items;
}

// One definition being read: the parameters it declares, for the templates.

std::vector<Field> RestReader::map_of(const Field& field) const {
  return map_fields(m_context, field.value, field.key_path, field.location);
}

void RestReader::parameters(const Field& field) {
  for (const Field& entry : map_of(field)) {
    RestParameter parameter;
    parameter.name = entry.key;
    if (!is_parameter_name(entry.key)) {
      fail(entry, "is not a parameter name (use letters, digits and '_', starting with a letter)");
    }
    if (!entry.value.IsNull()) {
      const auto fields = map_of(entry);
      only_keys(fields, keys_of("definition.parameters.NAME"), "a parameter");
      if (const Field* secret = find_field(fields, "secret")) parameter.secret = boolean(*secret);
      if (const Field* fallback = find_field(fields, "default")) parameter.fallback = scalar(*fallback);
      if (parameter.secret && parameter.fallback) {
        fail(entry, "a secret parameter has no default: the source gives it");
      }
    }
    m_definition.parameters.push_back(std::move(parameter));
    m_names.push_back(entry.key);
  }
}

Template RestReader::template_value(const Field& field) const {
  Template out;
  out.text = scalar(field);
  std::string_view rest = out.text;
  while (!rest.empty()) {
    const auto open = rest.find("{{");
    if (open == std::string_view::npos) {
      out.parts.push_back({false, std::string(rest)});
      break;
    }
    if (open > 0) out.parts.push_back({false, std::string(rest.substr(0, open))});
    const auto close = rest.find("}}", open + 2);
    if (close == std::string_view::npos) fail(field, fmt::format("\"{}\": {{{{ without }}}}", out.text));
    std::string name(rest.substr(open + 2, close - open - 2));
    const auto first = name.find_first_not_of(' ');
    const auto last = name.find_last_not_of(' ');
    name = first == std::string::npos ? "" : name.substr(first, last - first + 1);
    if (!contains(m_names, name)) {
      fail(field, fmt::format("\"{}\": {{{{{}}}}} is not a parameter of the definition{} (it declares: {})", out.text,
                              name, did_you_mean(name, m_names),
                              m_names.empty() ? std::string("none") : fmt::format("{}", fmt::join(m_names, ", "))));
    }
    out.parts.push_back({true, std::move(name)});
    rest.remove_prefix(close + 2);
  }
  return out;
}

TemplateList RestReader::template_map(const Field& field) const {
  TemplateList out;
  for (const Field& entry : map_of(field)) out.emplace_back(entry.key, template_value(entry));
  return out;
}

RestRequest RestReader::request(const Field& field, std::string_view what) const {
  const auto fields = map_of(field);
  only_keys(fields, keys_of("definition.request"), what);
  RestRequest out;
  if (const Field* method = find_field(fields, "method")) {
    out.method = choice<std::string>(*method, {{"GET", "GET"}, {"POST", "POST"}});
  }
  out.path = template_value(required(fields, "path", field.key_path, field.location, " (appended to the source's url)"));
  if (const Field* query = find_field(fields, "query")) out.query = template_map(*query);
  if (const Field* headers = find_field(fields, "headers")) out.headers = template_map(*headers);
  const Field* form = find_field(fields, "form");
  const Field* json = find_field(fields, "json");
  if (form != nullptr && json != nullptr) fail(*json, "a request has a form body or a JSON body, not both");
  if ((form != nullptr || json != nullptr) && out.method != "POST") {
    fail(form != nullptr ? *form : *json, "a body needs method: POST");
  }
  if (form != nullptr) out.form = template_map(*form);
  if (json != nullptr) out.json = template_map(*json);
  return out;
}

RestSuccess RestReader::success(const Field& field) const {
  const auto fields = map_of(field);
  only_keys(fields, keys_of("definition.success"), "success");
  RestSuccess out;
  if (const Field* status = find_field(fields, "status")) {
    out.statuses.clear();
    if (status->value.IsSequence()) {
      for (const Field& item : list_items(m_context, *status)) out.statuses.push_back(whole_number(item, 100, 599));
    } else {
      out.statuses.push_back(whole_number(*status, 100, 599));
    }
    if (out.statuses.empty()) fail(*status, "lists no status");
  }
  const Field* pointer = find_field(fields, "pointer");
  const Field* equals = find_field(fields, "equals");
  const Field* not_equals = find_field(fields, "not_equals");
  if (equals != nullptr && not_equals != nullptr) fail(*not_equals, "equals or not_equals, not both");
  const Field* value = equals != nullptr ? equals : not_equals;
  if ((pointer == nullptr) != (value == nullptr)) {
    fail(pointer != nullptr ? *pointer : *value,
         "pointer goes with equals (the body's value there must read so) or not_equals (it must not)");
  }
  if (pointer != nullptr) {
    out.pointer = path_value(*pointer);
    out.equals = scalar(*value);
    out.negated = value == not_equals;
  }
  if (const Field* message = find_field(fields, "message")) out.message = path_value(*message);
  return out;
}

Keys RestReader::names(const Field& field) const {
  Keys out;
  for (const Field& item : list_items(m_context, field)) {
    const std::string text = scalar(item);
    if (text.empty()) fail(item, "is empty");
    out.push_back(text);
  }
  return out;
}

void RestReader::unused_parameters(const Location& where, const std::string& path, const std::set<std::string>& used) const {
  for (const auto& parameter : m_definition.parameters) {
    if (used.count(parameter.name) == 0) {
      m_context.warnings->push_back(format_located(
          where, child_path(path, "parameters"), fmt::format("parameter {} is declared but never used", parameter.name)));
    }
  }
}

bool RestReader::is_parameter_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

}  // namespace rosterd::config::rest_reading
