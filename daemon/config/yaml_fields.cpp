#include "config/yaml_fields.hpp"

#include <fmt/format.h>

#include "config/expand.hpp"

namespace rosterd::config {

Location location_of(const ParseContext& context, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return Location{context.file, mark.is_null() ? 0 : mark.line + 1};
}

std::string_view kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "a string";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "no value";
}

std::string child_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string{key} : fmt::format("{}.{}", parent, key);
}

void fail(const Field& field, std::string problem) {
  throw ConfigError(field.location, field.key_path, std::move(problem));
}

void record(const ParseContext& context, const ConfigError& error) {
  context.problems->insert(context.problems->end(), error.problems().begin(), error.problems().end());
}

std::vector<Field> map_fields(const ParseContext& context, const YAML::Node& node, std::string_view path,
                              const Location& where) {
  if (!node.IsMap()) {
    throw ConfigError(where, std::string{path}, fmt::format("expected a map of keys, got {}", kind_of(node)));
  }
  std::vector<Field> fields;
  for (auto it = node.begin(); it != node.end(); ++it) {
    checked(context, [&] {
      const Location location = location_of(context, it->first);
      if (!it->first.IsScalar()) {
        throw ConfigError(location, std::string{path},
                          fmt::format("a key must be a plain word, got {}", kind_of(it->first)));
      }
      Field field{it->first.Scalar(), child_path(path, it->first.Scalar()), it->second, location};
      for (const auto& earlier : fields) {
        if (earlier.key == field.key)
          fail(field, fmt::format("duplicate key (first given at line {})", earlier.location.line));
      }
      fields.push_back(std::move(field));
    });
  }
  return fields;
}

Text string_value(const ParseContext& context, const Field& field, Secrecy secrecy) {
  if (!field.value.IsScalar()) fail(field, fmt::format("expected a string, got {}", kind_of(field.value)));
  return expand_text(context, field.value.Scalar(), field.key_path, field.location, secrecy);
}

std::vector<Text> string_list(const ParseContext& context, const Field& field) {
  if (!field.value.IsSequence()) fail(field, fmt::format("expected a list, got {}", kind_of(field.value)));
  std::vector<Text> items;
  std::size_t index = 0;
  for (const auto& element : field.value) {
    const Field item{field.key, fmt::format("{}[{}]", field.key_path, index++), element, location_of(context, element)};
    items.push_back(string_value(context, item, Secrecy::plain));
  }
  return items;
}

const Field* find_field(const std::vector<Field>& fields, std::string_view key) {
  for (const auto& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

}  // namespace rosterd::config
