#include "config/rest_definition_parser.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_keys.hpp"
#include "config/file_access.hpp"
#include "config/rest_reader.hpp"
#include "config/source_parser.hpp"
#include "config/suggest.hpp"
#include "config/yaml_fields.hpp"
#include "core/hash.hpp"

namespace rosterd::config {
namespace {

using namespace rest_reading;

// The keys of a definition: the table's map "definition" (config_keys.cpp).
const Keys k_definition_keys = keys_of("definition");

void collect_used(const Template& value, std::set<std::string>& used) {
  for (const auto& part : value.parts) {
    if (part.parameter) used.insert(part.text);
  }
}

void collect_used(const TemplateList& list, std::set<std::string>& used) {
  for (const auto& [key, value] : list) collect_used(value, used);
}

void collect_used(const RestRequest& request, std::set<std::string>& used) {
  collect_used(request.path, used);
  collect_used(request.query, used);
  collect_used(request.headers, used);
  collect_used(request.form, used);
  collect_used(request.json, used);
}

std::set<std::string> used_parameters(const RestDefinition& d) {
  std::set<std::string> used;
  collect_used(d.request, used);
  collect_used(d.paging.size, used);
  for (const auto* value : {&d.auth.value, &d.auth.username, &d.auth.password, &d.auth.key}) collect_used(*value, used);
  collect_used(d.auth.fields, used);
  collect_used(d.auth.login, used);
  return used;
}

// The definition's map, read into `definition` with its problems recorded in `context`.
void read_definition_map(const ParseContext& context, const YAML::Node& node, const std::string& path,
                         const Location& where, RestDefinition& definition) {
  const std::vector<Field> fields = map_fields(context, node, path, where);
  for (const Field& field : fields) {
    checked(context, [&] {
      if (!contains(k_definition_keys, field.key)) {
        fail(field, fmt::format("unknown key{}", did_you_mean(field.key, k_definition_keys)));
      }
    });
  }
  RestReader reader(context, definition);
  // Parameters first: every template refers to them.
  if (const Field* parameters = find_field(fields, "parameters")) checked(context, [&] { reader.parameters(*parameters); });
  const auto need = [&](std::string_view key, std::string_view why) -> const Field* {
    const Field* field = find_field(fields, key);
    if (field == nullptr) record(context, ConfigError(where, child_path(path, key), fmt::format("is required{}", why)));
    return field;
  };
  if (const Field* field = need("request", " (the listing's method, path and parameters)")) {
    checked(context, [&] { definition.request = reader.request(*field, "request"); });
  }
  if (const Field* field = find_field(fields, "auth")) checked(context, [&] { definition.auth = reader.auth(*field); });
  if (const Field* field = find_field(fields, "paging")) {
    checked(context, [&] { definition.paging = reader.paging(*field); });
  }
  if (const Field* field = find_field(fields, "success")) {
    checked(context, [&] { definition.success = reader.success(*field); });
  }
  if (const Field* field = need("records", " (the JSON pointer of each page's array of users)")) {
    checked(context, [&] { definition.records = path_value(*field); });
  }
  if (const Field* field = need("id", " (the JSON pointer of each user's id, within the user)")) {
    checked(context, [&] {
      definition.id = path_value(*field);
      if (definition.id.steps.empty()) fail(*field, "must name a field of the user, not the whole user");
    });
  }
  for (const auto& entry : {std::pair{"total", &definition.total}, std::pair{"count", &definition.count}}) {
    auto* into = entry.second;
    if (const Field* field = find_field(fields, entry.first)) checked(context, [&] { *into = path_value(*field); });
  }
  if (const Field* field = find_field(fields, "relist")) {
    checked(context, [&] {
      definition.relist = static_cast<int>(whole_number(*field, 0, 3));
      if (definition.paging.kind != PagingKind::page && definition.paging.kind != PagingKind::offset) {
        fail(*field, "goes with paging type page or offset, whose listings shift when users come and go");
      }
    });
  }
  if (const Field* field = need("columns", " (where username, full_name, email, ... come from)")) {
    checked(context, [&] { reader.columns(*field); });
  }
  if (const Field* field = find_field(fields, "volatile_fields")) {
    checked(context, [&] { definition.volatile_fields = reader.names(*field); });
  }
  if (const Field* field = find_field(fields, "drop_fields")) {
    checked(context, [&] { definition.drop_fields = reader.names(*field); });
  }
  reader.unused_parameters(where, path, used_parameters(definition));
}

// `parameters:` (`field` null when absent): each one the definition declares, a secret
// one as a secret, defaults filled in, none missing. Stored as the source's settings.
void read_parameters(const ParseContext& context, const Field* field, const RestDefinition& definition,
                     SourceConfig& source) {
  std::vector<std::string> declared;
  for (const auto& parameter : definition.parameters) declared.push_back(parameter.name);
  const std::string listed = declared.empty() ? std::string("none") : fmt::format("{}", fmt::join(declared, ", "));
  // A mistyped parameter is reported as such, not also as a missing one.
  bool read_all = true;
  if (field != nullptr && !field->value.IsNull()) {
    for (const Field& entry : map_fields(context, field->value, field->key_path, field->location)) {
      read_all &= checked(context, [&] {
        const auto parameter = std::find_if(definition.parameters.begin(), definition.parameters.end(),
                                            [&](const RestParameter& p) { return p.name == entry.key; });
        if (parameter == definition.parameters.end()) {
          fail(entry, fmt::format("is not a parameter of the definition{} (it declares: {})",
                                  did_you_mean(entry.key, declared), listed));
        }
        source.settings.insert_or_assign(entry.key,
                                         read_setting(context, entry, parameter->secret ? Secrecy::secret : Secrecy::plain));
      });
    }
  }
  for (const auto& parameter : definition.parameters) {
    if (source.settings.count(parameter.name) != 0 || !read_all) continue;
    const std::string key_path = child_path(source.key_path, "parameters." + parameter.name);
    if (parameter.fallback) {
      source.settings.emplace(parameter.name, Setting{*parameter.fallback, source.location, key_path, false});
      continue;
    }
    record(context, ConfigError(field != nullptr ? field->location : source.location, key_path,
                                fmt::format("is required by the definition ({})", definition.file)));
  }
}

}  // namespace

std::optional<JsonPath> parse_json_path(std::string_view text, std::string& problem) {
  JsonPath path;
  path.text = std::string(text);
  if (text.empty()) return path;
  if (text.front() != '/') {
    problem = "it starts with '/' (or is empty, for the whole value)";
    return std::nullopt;
  }
  std::size_t at = 1;
  for (;;) {
    const auto end = std::min(text.find('/', at), text.size());
    std::string_view segment = text.substr(at, end - at);
    PathStep step;
    if (segment.ends_with(']')) {
      const auto open = segment.find('[');
      const auto equals = open == std::string_view::npos ? open : segment.find('=', open);
      if (open == std::string_view::npos || equals == std::string_view::npos || equals == open + 1) {
        problem = fmt::format("\"{}\": a filter is [key=value]", segment);
        return std::nullopt;
      }
      step.match_key = std::string(segment.substr(open + 1, equals - open - 1));
      step.match_value = std::string(segment.substr(equals + 1, segment.size() - equals - 2));
      segment = segment.substr(0, open);
    }
    for (std::size_t i = 0; i < segment.size(); ++i) {
      if (segment[i] != '~') {
        step.token.push_back(segment[i]);
        continue;
      }
      if (i + 1 < segment.size() && (segment[i + 1] == '0' || segment[i + 1] == '1')) {
        step.token.push_back(segment[i + 1] == '0' ? '~' : '/');
        ++i;
        continue;
      }
      problem = fmt::format("\"{}\": '~' is written ~0, and '/' in a name ~1", segment);
      return std::nullopt;
    }
    path.steps.push_back(std::move(step));
    if (end == text.size()) break;
    at = end + 1;
  }
  return path;
}

std::shared_ptr<const RestDefinition> read_rest_definition(const ParseContext& context, const Field& field) {
  auto definition = std::make_shared<RestDefinition>();
  if (field.value.IsMap()) {
    definition->file = context.file;
    definition->fingerprint = core::md5_hex(YAML::Dump(field.value));
    std::vector<ConfigProblem> problems;
    ParseContext inner = context;
    inner.problems = &problems;
    read_definition_map(inner, field.value, field.key_path, field.location, *definition);
    if (!problems.empty()) throw ConfigError(std::move(problems));
    return definition;
  }
  if (!field.value.IsScalar()) {
    fail(field, fmt::format("expected a map (the definition) or the path of a YAML file holding one, got {}",
                            kind_of(field.value)));
  }
  const Text text = string_value(context, field, Secrecy::plain);
  if (text.value.empty()) fail(field, "is empty");
  const std::string path = resolve_path(context.directory, text.value);
  if (auto problem = readable_file_problem(path); !problem.empty()) fail(field, fmt::format("{}: {}", path, problem));
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string yaml = buffer.str();
  definition->file = path;
  definition->fingerprint = core::md5_hex(yaml);

  std::vector<ConfigProblem> problems;
  ParseContext inner = context;
  inner.file = path;
  inner.directory = std::filesystem::path(path).parent_path().string();
  inner.problems = &problems;
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& error) {
    throw ConfigError(Location{path, error.mark.is_null() ? 0 : error.mark.line + 1}, "",
                      fmt::format("invalid YAML: {} (the definition of {})", error.msg, field.key_path));
  }
  read_definition_map(inner, root, "", Location{path, 1}, *definition);
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return definition;
}

void read_declarative(const ParseContext& context, const std::vector<Field>& fields, SourceConfig& source) {
  const Field* definition = find_field(fields, "definition");
  if (definition == nullptr) {
    record(context, ConfigError(source.location, child_path(source.key_path, "definition"),
                                "is required for type rest (a map, or the path of a YAML file holding one)"));
    return;
  }
  checked(context, [&] { source.definition = read_rest_definition(context, *definition); });
  if (!source.definition) return;
  source.drop_fields.insert(source.drop_fields.end(), source.definition->drop_fields.begin(),
                            source.definition->drop_fields.end());
  checked(context, [&] { read_parameters(context, find_field(fields, "parameters"), *source.definition, source); });
  SourceTypeSchema type;
  type.type = source.type;
  type.volatile_fields = source.definition->volatile_fields;
  source.volatile_fields = type.volatile_fields;
  if (const Field* field = find_field(fields, "volatile_fields")) {
    checked(context, [&] { source.volatile_fields = volatile_fields(context, *field, type); });
  }
}

}  // namespace rosterd::config