#pragma once
// Internal to config/: reading the parts of a rest definition (rest_definition_parser.cpp)
// with file:line:key and "did you mean" in every error. A definition holds no ${...}
// and no secret: what differs per source is a parameter, written {{name}}.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "config/parse_context.hpp"
#include "config/rest_definition.hpp"
#include "config/suggest.hpp"
#include "config/yaml_fields.hpp"

namespace rosterd::config::rest_reading {

using Keys = std::vector<std::string>;

bool contains(const Keys& keys, std::string_view key);
// Every key of `fields` is one of `allowed`; `what` names the map in the message.
void only_keys(const std::vector<Field>& fields, const Keys& allowed, std::string_view what);
const Field& required(const std::vector<Field>& fields, std::string_view key, const std::string& path,
                      const Location& where, std::string_view why = "");
// A definition's text as written (no ${...}).
std::string scalar(const Field& field);
long long whole_number(const Field& field, long long min, long long max);
bool boolean(const Field& field);
JsonPath path_value(const Field& field);
std::vector<Field> list_items(const ParseContext& context, const Field& field);

// The choice `field` names among `options`.
template <class Kind>
Kind choice(const Field& field, const std::vector<std::pair<std::string, Kind>>& options) {
  const std::string text = scalar(field);
  Keys names;
  for (const auto& [name, kind] : options) {
    if (name == text) return kind;
    names.push_back(name);
  }
  fail(field, fmt::format("\"{}\" is not one of {}{}", text, fmt::join(names, ", "), did_you_mean(text, names)));
}

// One definition being read: the parameters it declares, for the templates.
class RestReader {
 public:
  RestReader(const ParseContext& context, RestDefinition& definition) : m_context(context), m_definition(definition) {}

  [[nodiscard]] std::vector<Field> map_of(const Field& field) const;
  void parameters(const Field& field);
  [[nodiscard]] Template template_value(const Field& field) const;
  [[nodiscard]] TemplateList template_map(const Field& field) const;
  [[nodiscard]] RestRequest request(const Field& field, std::string_view what) const;
  [[nodiscard]] RestSuccess success(const Field& field) const;
  [[nodiscard]] RestAuth auth(const Field& field) const;
  [[nodiscard]] RestPaging paging(const Field& field) const;
  void columns(const Field& field) const;
  [[nodiscard]] Keys names(const Field& field) const;
  // Warns of each declared parameter no template uses.
  void unused_parameters(const Location& where, const std::string& path, const std::set<std::string>& used) const;

 private:
  void login(const std::vector<Field>& fields, const Field& field, RestAuth& out) const;
  // A candidate: "/pointer", or a map with pointer or join (and separator), and keep.
  [[nodiscard]] RestCandidate candidate(const Field& field, const std::vector<Field>* fields) const;
  [[nodiscard]] RestColumn column(const Field& field, bool flag) const;
  static bool is_parameter_name(std::string_view name);

  const ParseContext& m_context;
  RestDefinition& m_definition;
  Keys m_names;
};

}  // namespace rosterd::config::rest_reading
