#pragma once
// Internal to config/: what every step of reading one configuration file shares.

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace rosterd::config {

struct ParseContext {
  std::string file;       // absolute path of the configuration, for Location
  std::string directory;  // relative paths (database, ca_file, ${file:}) resolve here
  const Environment* env = nullptr;
  // Permission bits of the file when it was read from disk; unknown for parse_config().
  std::optional<unsigned> file_mode;
  std::vector<std::string>* warnings = nullptr;
  // Every problem found so far: a key with a problem is recorded here and reading goes
  // on with the next one, so that one run reports them all (see yaml_fields.hpp).
  std::vector<ConfigProblem>* problems = nullptr;
};

// One `key: value` of a YAML map.
struct Field {
  std::string key;
  std::string key_path;  // "sources[1].interval"
  YAML::Node value;
  Location location;  // of the key: a block value starts on a later line
};

// secret: the whole value and each part a reference supplied are secrets; references:
// only those parts (a database URI whose password comes from a credential).
enum class Secrecy { plain, secret, references };

// A string value after ${...} expansion.
struct Text {
  std::string value;
  std::string key_path;
  Location location;
  bool has_reference = false;  // some part came from ${env:}, ${file:} or ${credential:}
  std::string raw;             // as written in the file
};

}  // namespace rosterd::config

namespace rosterd::config {

// "<file>:<line>: <key>: <problem>", leaving out the parts that are unknown; the
// format of ConfigError::what() and of Config::warnings.
std::string format_located(const Location& location, std::string_view key, std::string_view problem);

// parse_config() with the file's permission bits, which load_config() knows.
Config parse_config_text(std::string_view yaml, const std::string& path, std::span<const SourceTypeSchema> types,
                         const Environment& env, std::optional<unsigned> mode);

}  // namespace rosterd::config
