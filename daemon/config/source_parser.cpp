#include "config/source_parser.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/config_keys.hpp"
#include "config/credentials.hpp"
#include "config/file_access.hpp"
#include "config/rest_definition_parser.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"
#include "config/yaml_fields.hpp"
#include "core/duration.hpp"
#include "core/secrets.hpp"

namespace rosterd::config {
namespace {

// The keys of a source, by role: the table's map "sources[]" (config_keys.cpp).
const std::vector<std::string> k_identity_keys = keys_of(k_source_map, KeyRole::identity);
const std::vector<std::string> k_common_keys = keys_of(k_source_map, KeyRole::shared);

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A readable group or world bit on the file exposes a secret written literally in it.
void warn_if_literal_secret(const ParseContext& context, const Text& text) {
  if (text.has_reference || text.value.empty() || !context.file_mode || (*context.file_mode & 044u) == 0) return;
  context.warnings->push_back(format_located(
      text.location, text.key_path,
      fmt::format("a literal secret in a file readable by group or others (mode {:04o}); chmod 600 the file, "
                  "or move the value out with ${{credential:NAME}}, ${{file:PATH}} or ${{env:NAME}}",
                  *context.file_mode)));
}

// Shorter intervals are allowed (a test tenant, a vendor without limits) but are
// likely to be throttled or to starve the account's other integrations: Smartflo
// counts every request of an account, from every integration, against one limit
// (docs/vendor-facts.md 3.3). The warning names no vendor: config/ knows none.
constexpr std::chrono::seconds k_advised_min_interval{30};

void warn_if_short_interval(const ParseContext& context, const Field& field, std::chrono::milliseconds interval) {
  if (interval >= k_advised_min_interval) return;
  context.warnings->push_back(format_located(
      field.location, field.key_path,
      fmt::format("{} is below 30s: accepted, but vendors rate-limit their APIs (some count every request of the "
                  "account against one limit) and may throttle the source with HTTP 429; use 30s or more unless the "
                  "vendor allows more",
                  core::format_duration(interval))));
}

// The keys shared by every type, except datasets (which need the type). False when
// `field` is not one of them.
bool apply_common_key(const ParseContext& context, const Field& field, SourceConfig& source) {
  const std::string& key = field.key;
  if (key == "interval") {
    source.interval = positive_duration_value(context, field);
    warn_if_short_interval(context, field, source.interval);
  } else if (key == "timeout") {
    source.timeout = positive_duration_value(context, field);
  } else if (key == "connect_timeout") {
    source.connect_timeout = positive_duration_value(context, field);
  } else if (key == "retries") {
    source.retries = static_cast<int>(integer_value(context, field, 0, 20));
  } else if (key == "max_remove_ratio") {
    source.max_remove_ratio = number_value(context, field, 0.0, 1.0);
  } else if (key == "max_response_bytes") {
    source.max_response_bytes = byte_size_value(context, field);
  } else if (key == "drop_fields") {
    source.drop_fields.clear();
    for (const Text& item : string_list(context, field)) {
      if (item.value.empty()) throw ConfigError(item.location, item.key_path, "is empty");
      source.drop_fields.push_back(item.value);
    }
  } else if (key == "ca_file") {
    const Text text = string_value(context, field, Secrecy::plain);
    if (text.value.empty()) fail(field, "is empty (leave the key out to use the system's CA certificates)");
    const std::string path = resolve_path(context.directory, text.value);
    if (auto problem = readable_file_problem(path); !problem.empty()) fail(field, fmt::format("{}: {}", path, problem));
    source.ca_file = path;
  } else {
    return false;
  }
  return true;
}

// `items` (not empty) checked against the type: each a dataset it supports, none twice.
// `note` follows each message: empty for a source's own list, which source for defaults.
std::vector<std::string> checked_datasets(const std::vector<Text>& items, const SourceTypeSchema& type,
                                          std::string_view note) {
  std::vector<std::string> datasets;
  for (const Text& item : items) {
    if (!contains(type.datasets, item.value)) {
      throw ConfigError(item.location, item.key_path,
                        fmt::format("{} is not a dataset of type {} (it has: {}){}{}", quoted(item), type.type,
                                    fmt::join(type.datasets, ", "), did_you_mean(item.value, type.datasets), note));
    }
    if (contains(datasets, item.value)) {
      throw ConfigError(item.location, item.key_path, fmt::format("{} is listed twice{}", quoted(item), note));
    }
    datasets.push_back(item.value);
  }
  return datasets;
}

Text required_text(const ParseContext& context, const std::vector<Field>& fields, std::string_view key,
                   const std::string& path, const Location& where) {
  const Field* field = find_field(fields, key);
  if (field == nullptr) throw ConfigError(where, child_path(path, key), "is required");
  Text text = string_value(context, *field, Secrecy::plain);
  if (text.value.empty()) fail(*field, "is empty");
  return text;
}

const SourceTypeSchema* lookup_type(std::string_view name, std::span<const SourceTypeSchema> types) {
  for (const auto& schema : types) {
    if (schema.type == name) return &schema;
  }
  return nullptr;
}

const SourceTypeSchema& known_type(const Text& type, std::span<const SourceTypeSchema> types) {
  if (const auto* schema = lookup_type(type.value, types)) return *schema;
  std::vector<std::string> names;
  for (const auto& schema : types) names.push_back(schema.type);
  std::sort(names.begin(), names.end());
  throw ConfigError(type.location, type.key_path,
                    fmt::format("unknown type {}{} (known types: {})", quoted(type), did_you_mean(type.value, names),
                                fmt::join(names, ", ")));
}

void check_name(const Text& name, std::span<const SourceConfig> earlier) {
  if (!is_valid_source_name(name.value)) {
    throw ConfigError(
        name.location, name.key_path,
        fmt::format("{} is not a valid name (use lower-case letters, digits, '_' and '-')", quoted(name)));
  }
  for (const auto& other : earlier) {
    if (other.name == name.value) {
      throw ConfigError(
          name.location, name.key_path,
          fmt::format("{} is already the name of {} (line {})", quoted(name), other.key_path, other.location.line));
    }
  }
}

// name (unique among `earlier`), type and url, each checked on its own. The source's
// type, or null when it is missing or unknown.
const SourceTypeSchema* identify_source(const ParseContext& context, const std::vector<Field>& fields,
                                        std::span<const SourceTypeSchema> types, std::span<const SourceConfig> earlier,
                                        SourceConfig& source) {
  checked(context, [&] {
    const Text name = required_text(context, fields, "name", source.key_path, source.location);
    check_name(name, earlier);
    source.name = name.value;
  });
  const SourceTypeSchema* schema = nullptr;
  checked(context, [&] {
    const Text type = required_text(context, fields, "type", source.key_path, source.location);
    schema = &known_type(type, types);
    source.type = type.value;
  });
  checked(context, [&] {
    const Text url = required_text(context, fields, "url", source.key_path, source.location);
    if (auto problem = url_problem(url.value); !problem.empty()) {
      throw ConfigError(url.location, url.key_path, fmt::format("\"{}\" {}", core::redact_url(url.value), problem));
    }
    source.url = url.value;
  });
  return schema;
}

// Keys a source may set that are no default: their values depend on the source's type.
const std::vector<std::string> k_source_only_keys = keys_of(k_source_map, KeyRole::source_only);

// Keys of a declarative type's source: read after the others, the definition first.
const std::vector<std::string> k_declarative_keys = keys_of(k_source_map, KeyRole::declarative);

[[noreturn]] void unknown_source_key(const Field& field, const SourceTypeSchema& type) {
  std::vector<std::string> known = k_identity_keys;
  if (type.declarative) known.insert(known.end(), k_declarative_keys.begin(), k_declarative_keys.end());
  known.insert(known.end(), k_common_keys.begin(), k_common_keys.end());
  known.insert(known.end(), k_source_only_keys.begin(), k_source_only_keys.end());
  const auto own = type.keys();
  known.insert(known.end(), own.begin(), own.end());
  std::string hint = did_you_mean(field.key, known);
  if (hint.empty() && type.declarative) hint = fmt::format(" (its own keys are: {})", fmt::join(k_declarative_keys, ", "));
  if (hint.empty()) hint = fmt::format(" (its own keys are: {})", fmt::join(own, ", "));
  fail(field, fmt::format("unknown key for type {}{}", type.type, hint));
}

// One key of `defaults:`; a bad one leaves the built-in default in place.
void read_default(const ParseContext& context, const Field& entry, std::span<const SourceTypeSchema> types,
                  const std::vector<std::string>& known, Defaults& defaults) {
  if (contains(k_identity_keys, entry.key)) fail(entry, "cannot be a default: every source sets its own");
  if (contains(k_source_only_keys, entry.key)) fail(entry, "cannot be a default: it depends on the source's type");
  if (entry.key == "datasets") {
    std::vector<Text> items = string_list(context, entry);
    if (items.empty()) fail(entry, "lists no dataset");
    defaults.datasets = std::move(items);
    return;
  }
  if (apply_common_key(context, entry, defaults.common)) return;
  const bool accepted =
      std::any_of(types.begin(), types.end(), [&](const auto& t) { return t.setting(entry.key) != nullptr; });
  if (!accepted) fail(entry, fmt::format("no source type accepts this key{}", did_you_mean(entry.key, known)));
  const bool secret = std::any_of(types.begin(), types.end(), [&](const auto& t) {
    const auto* spec = t.setting(entry.key);
    return spec != nullptr && spec->secret;
  });
  Setting setting = read_setting(context, entry, secret ? Secrecy::secret : Secrecy::plain);
  // A default is checked once, where it is written: against every type that takes the key.
  for (const auto& type : types) {
    if (const auto* spec = type.setting(entry.key)) check_setting(*spec, setting);
  }
  defaults.settings.emplace(entry.key, std::move(setting));
}

// One key of a source other than name, type and url. `type` is null when the type is
// unknown: then only the keys every type shares can be judged.
void read_source_key(const ParseContext& context, const Field& field, const SourceTypeSchema* type,
                     SourceConfig& source, bool& has_datasets) {
  if (field.key == "datasets") {
    if (type == nullptr) return;
    const std::vector<Text> items = string_list(context, field);
    if (items.empty()) fail(field, "lists no dataset");
    has_datasets = true;  // even when invalid: the defaults' datasets must not stand in
    source.datasets = checked_datasets(items, *type, "");
  } else if (apply_common_key(context, field, source)) {
    return;
  } else if (type == nullptr) {
    return;
  } else if (type->declarative && (contains(k_declarative_keys, field.key) || field.key == "volatile_fields")) {
    return;  // read_declarative()
  } else if (field.key == "volatile_fields") {
    source.volatile_fields = volatile_fields(context, field, *type);
  } else if (const auto* spec = type->setting(field.key)) {
    Setting setting = read_setting(context, field, spec->secret ? Secrecy::secret : Secrecy::plain);
    check_setting(*spec, setting);
    source.settings.insert_or_assign(field.key, std::move(setting));
  } else {
    unknown_source_key(field, *type);
  }
}

}  // namespace

Setting read_setting(const ParseContext& context, const Field& field, Secrecy secrecy) {
  Text text = string_value(context, field, secrecy);
  if (secrecy == Secrecy::secret) warn_if_literal_secret(context, text);
  return Setting{std::move(text.value), field.location, field.key_path, secrecy == Secrecy::secret};
}

// `volatile_fields: {add: [...], remove: [...]}`: the type's volatile attributes, with
// `remove` (each one of the type's) taken out and `add` (attribute keys) put in.
std::vector<std::string> volatile_fields(const ParseContext& context, const Field& field, const SourceTypeSchema& type) {
  std::vector<std::string> out = type.volatile_fields;
  std::vector<std::string> added;
  const std::vector<std::string> parts = keys_of("sources[].volatile_fields");
  for (const Field& part : map_fields(context, field.value, field.key_path, field.location)) {
    if (!contains(parts, part.key)) {
      fail(part, fmt::format("unknown key{} (volatile_fields takes add and remove)", did_you_mean(part.key, parts)));
    }
    for (const Text& item : string_list(context, part)) {
      if (item.value.empty()) throw ConfigError(item.location, item.key_path, "is empty");
      if (part.key == "add") {
        added.push_back(item.value);
        continue;
      }
      if (!contains(type.volatile_fields, item.value)) {
        throw ConfigError(item.location, item.key_path,
                          fmt::format("{} is not a volatile field of type {}{} (its volatile fields: {})", quoted(item),
                                      type.type, did_you_mean(item.value, type.volatile_fields),
                                      type.volatile_fields.empty() ? std::string("none")
                                                                   : fmt::format("{}", fmt::join(type.volatile_fields, ", "))));
      }
      std::erase(out, item.value);
    }
  }
  out.insert(out.end(), added.begin(), added.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Defaults parse_defaults(const ParseContext& context, const Field* field, std::span<const SourceTypeSchema> types) {
  Defaults defaults;
  if (field == nullptr || field->value.IsNull()) return defaults;
  std::vector<std::string> known = k_common_keys;
  for (const auto& type : types) {
    for (const auto& spec : type.settings) known.push_back(spec.key);
  }

  for (const Field& entry : map_fields(context, field->value, field->key_path, field->location)) {
    if (!checked(context, [&] { read_default(context, entry, types, known, defaults); })) {
      defaults.unread.push_back(entry.key);
    }
  }
  return defaults;
}

SourceConfig parse_source(const ParseContext& context, const YAML::Node& node, std::size_t index,
                          const Defaults& defaults, std::span<const SourceTypeSchema> types,
                          std::span<const SourceConfig> earlier) {
  SourceConfig source = defaults.common;
  source.key_path = fmt::format("sources[{}]", index);
  source.location = location_of(context, node);
  const std::vector<Field> fields = map_fields(context, node, source.key_path, source.location);
  const SourceTypeSchema* type = identify_source(context, fields, types, earlier, source);
  if (type != nullptr) source.volatile_fields = type->volatile_fields;

  if (type != nullptr) {
    for (const auto& [key, setting] : defaults.settings) {
      const auto* spec = type->setting(key);
      if (spec == nullptr) continue;
      Setting copy = setting;
      copy.secret = copy.secret || spec->secret;
      source.settings.insert_or_assign(key, std::move(copy));
    }
  }

  bool has_datasets = false;
  bool read_in_full = true;
  for (const Field& field : fields) {
    if (contains(k_identity_keys, field.key)) continue;
    read_in_full =
        checked(context, [&] { read_source_key(context, field, type, source, has_datasets); }) && read_in_full;
  }
  // What the source lacks is judged only when every key that could supply it was read:
  // a mistyped `pasword` is reported as such, not also as a missing password.
  const bool defaults_read = std::none_of(defaults.unread.begin(), defaults.unread.end(), [&](const std::string& key) {
    return type != nullptr && type->setting(key) != nullptr;
  });
  if (type != nullptr && type->declarative) read_declarative(context, fields, source);
  if (type != nullptr && read_in_full && defaults_read) check_credentials(context, *type, source);

  if (type != nullptr && !has_datasets) {
    checked(context, [&] {
      if (!defaults.datasets.empty()) {
        const std::string note =
            fmt::format(" (the default for {} \"{}\"; give it its own datasets)", source.key_path, source.name);
        source.datasets = checked_datasets(defaults.datasets, *type, note);
      } else {
        // A schema without default_datasets syncs everything the type has.
        source.datasets = type->default_datasets.empty() ? type->datasets : type->default_datasets;
      }
    });
  }
  return source;
}

}  // namespace rosterd::config
