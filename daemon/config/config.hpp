#pragma once
// The typed configuration (README, "Configuration"). Loading is strict: unknown keys, bad values,
// duplicate names, unknown types and missing credentials are errors naming the
// file, the line and the key.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "config/rest_definition.hpp"
#include "core/log.hpp"

namespace rosterd::config {

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
};

// One thing wrong in a configuration: where, which key, what.
struct ConfigProblem {
  Location location;
  std::string key;      // "sources[1].interval"; empty when the problem is the whole file's
  std::string problem;  // never holds a secret

  // "<file>:<line>: <key>: <problem>" (parts that are unknown are left out)
  [[nodiscard]] std::string text() const;
};

// A configuration that cannot be used. Reading a file collects every problem it can
// find without guessing (see parse_config) and throws them together.
class ConfigError : public std::runtime_error {
 public:
  // what(): "<file>:<line>: <key>: <problem>" (parts that are unknown are left out)
  ConfigError(Location location, std::string key, std::string problem);
  // Several problems (at least one), in the order given. what() for one is its text;
  // for more, a first line "<file> has N errors:" and then each problem's text on a
  // line of its own (at most k_max_listed; a last line counts the rest).
  explicit ConfigError(std::vector<ConfigProblem> problems);

  // The first problem's parts.
  [[nodiscard]] const Location& location() const noexcept { return m_problems.front().location; }
  [[nodiscard]] const std::string& key() const noexcept { return m_problems.front().key; }
  [[nodiscard]] const std::string& problem() const noexcept { return m_problems.front().problem; }
  // Every problem (at least one).
  [[nodiscard]] const std::vector<ConfigProblem>& problems() const noexcept { return m_problems; }

  static constexpr std::size_t k_max_listed = 50;

 private:
  struct Redacted {};
  ConfigError(Redacted, std::vector<ConfigProblem> problems);

  std::vector<ConfigProblem> m_problems;
};

// A vendor-specific key's value (after ${...} expansion) and where it was written.
struct Setting {
  std::string value;
  Location location;
  std::string key_path;  // "sources[2].password", for error messages
  bool secret = false;   // a credential: registered for redaction, never logged
};

// What a vendor setting's value must be. Text is anything; the others are checked
// when the file is loaded, at the setting's own line.
enum class ValueKind { text, whole_number, number, duration };
// Whether a number's lower bound is itself allowed (a rate must be more than 0).
enum class LowerBound { inclusive, exclusive };

// One vendor key of a source type: what its value must be, whether it is a credential,
// and its documentation (rosterd.yaml(5) lists every key of every type from these).
struct SettingSpec {
  std::string key;
  ValueKind kind = ValueKind::text;
  // For whole_number and number: the value lies within [min, max] (min excluded when
  // `lower` says so). Durations take any value core::parse_duration reads, 0 included.
  double min = 0;
  double max = 0;
  LowerBound lower = LowerBound::inclusive;
  bool secret = false;        // a credential: registered for redaction, never logged nor quoted
  std::string default_value{};  // as the reference states it; empty: none
  std::string help{};           // what it does

  // This setting with its default and help.
  [[nodiscard]] SettingSpec documented(std::string default_text, std::string what) &&;
};

SettingSpec text_setting(std::string key);
SettingSpec secret_setting(std::string key);  // a credential
SettingSpec whole_number_setting(std::string key, long long min, long long max);
SettingSpec number_setting(std::string key, double min, double max, LowerBound lower = LowerBound::inclusive);
SettingSpec duration_setting(std::string key);
// "whole number 1..1000", "number, more than 0, at most 1000", "duration", "text": the
// value a setting takes, as the reference states it.
std::string describe_value(const SettingSpec& spec);

// What a source type accepts; supplied by the source registry so that config/
// does not know the vendors. Everything the loader checks about a source's vendor
// settings is declared here: no source object is needed to validate a file.
struct SourceTypeSchema {
  std::string type;
  std::string description = {};  // one line for the reference: the vendor and its API
  // The vendor-specific keys (user, password, page_size, ...), each with its kind and
  // range, whether it holds a credential, and its documentation.
  std::vector<SettingSpec> settings = {};
  std::vector<std::string> datasets;     // datasets the type supports
  std::vector<std::string> default_datasets;
  // Presence attributes (change whenever an agent logs in): kept current in `users`,
  // never a version or a change. A source's `volatile_fields` adds and removes.
  std::vector<std::string> volatile_fields = {};
  // The ways a source of the type authenticates, each the keys given together (a token;
  // a user and a password). A source gives exactly one of them, each of its keys not
  // empty. None listed: the type needs no credentials.
  std::vector<std::vector<std::string>> credentials = {};
  // A declarative type (`rest`): a source gives a `definition:` (rest_definition.hpp) and
  // the settings it declares under `parameters:`; `settings` stays empty.
  bool declarative = false;

  // The vendor key `key`, or null when the type does not take it.
  [[nodiscard]] const SettingSpec* setting(std::string_view key) const;
  // Every vendor key, in the order declared.
  [[nodiscard]] std::vector<std::string> keys() const;
};

struct SourceConfig {
  std::string name;  // unique, [a-z0-9_-]+
  std::string type;
  std::string url;
  Location location;     // the source's block
  std::string key_path;  // "sources[2]"
  std::vector<std::string> datasets;
  std::chrono::milliseconds interval{std::chrono::minutes{15}};
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  int retries = 4;
  double max_remove_ratio = 0.5;
  std::vector<std::string> drop_fields;
  std::vector<std::string> volatile_fields;  // attribute keys; the type's, adjusted by the source
  std::string ca_file;  // absolute; empty = system CAs
  std::uint64_t max_response_bytes = 64ull << 20;
  std::map<std::string, Setting, std::less<>> settings;  // vendor-specific keys; a rest source's parameters
  std::shared_ptr<const RestDefinition> definition;      // a declarative type's; null for the others

  [[nodiscard]] const Setting* setting(std::string_view key) const;
  // Throws ConfigError at the source's location when the key is missing, at the setting when empty.
  [[nodiscard]] const Setting& require(std::string_view key) const;
  // The typed getters return `fallback` when the key is absent and throw ConfigError at
  // the setting's own location when it is invalid, never quoting a secret setting's value.
  // A loaded configuration has had every setting its schema declares checked
  // (SourceTypeSchema::values): sources read them with the getters without a range.
  [[nodiscard]] long long setting_int(std::string_view key, long long fallback) const;
  // Integer within [min, max].
  [[nodiscard]] long long setting_int(std::string_view key, long long fallback, long long min, long long max) const;
  // Duration text as core::parse_duration reads it; 0 is allowed (a vendor pause may be zero).
  [[nodiscard]] std::chrono::milliseconds setting_duration(std::string_view key,
                                                           std::chrono::milliseconds fallback) const;
  // Finite number.
  [[nodiscard]] double setting_number(std::string_view key, double fallback) const;
  // Finite number within [min, max].
  [[nodiscard]] double setting_number(std::string_view key, double fallback, double min, double max) const;
};

// Throws ConfigError at the setting's location when its value is not of the spec's
// kind or lies outside its range, quoting the value unless it is a credential.
void check_setting(const SettingSpec& spec, const Setting& setting);

// `metrics:` (README, "Monitoring").
struct MetricsConfig {
  // The endpoint of `rosterd run` (/metrics, /healthz, /readyz); host empty: none.
  std::string host;  // an IPv4 or IPv6 address, or localhost
  int port = 0;      // 0: any free port (logged)
  bool allow_non_loopback = false;
  std::string textfile;  // absolute; empty: none. Written by `rosterd sync` after its runs.
  Location location;     // of the `metrics:` key
};

struct Config {
  std::string path;      // the file it was read from (absolute)
  std::string database;  // an absolute file path (SQLite), or a postgresql:// URI (a secret: never log it)
  core::LogLevel log_level = core::LogLevel::info;
  int concurrency = 4;  // sources fetched at once by `rosterd run`
  // PostgreSQL: how long an instance's claim on a source outlives its last renewal, so
  // the longest a source waits for another instance after its own died or froze.
  std::chrono::milliseconds claim_timeout{std::chrono::seconds{30}};
  MetricsConfig metrics;
  // `retention:`: how long each table named keeps its rows (README, "Retention"); a table not
  // named keeps them forever. The tables are the map "retention" of config_keys.cpp.
  std::map<std::string, std::chrono::milliseconds, std::less<>> retention;
  std::vector<SourceConfig> sources;
  std::vector<std::string> warnings;  // e.g. literal secrets in a world-readable file

  [[nodiscard]] const SourceConfig* find_source(std::string_view name) const;
  // Every credential value (settings marked secret), for redaction and tests.
  [[nodiscard]] std::vector<std::string> secret_values() const;
};

// Where ${env:...} and ${credential:...} come from; a seam for tests.
struct Environment {
  std::function<std::optional<std::string>(const std::string&)> get_env;
  // $CREDENTIALS_DIRECTORY (systemd LoadCredential=); empty when unset.
  std::string credentials_directory;

  static Environment process();
};

// Reads and validates the file. Throws ConfigError with every problem found: each
// key is checked on its own, so one bad key does not hide the next; only what cannot
// be judged without guessing is left unchecked (the keys of a source whose type is
// unknown, anything after a YAML syntax error).
Config load_config(const std::string& path, std::span<const SourceTypeSchema> types,
                   const Environment& env = Environment::process());

// Same, from text (`path` is used for messages and to resolve relative paths).
Config parse_config(std::string_view yaml, const std::string& path, std::span<const SourceTypeSchema> types,
                    const Environment& env = Environment::process());

inline constexpr std::string_view k_default_config_path = "/etc/rosterd/rosterd.yaml";

// --config, else $ROSTERD_CONFIG (when set and not empty), else /etc/rosterd/rosterd.yaml.
std::string resolve_config_path(const std::optional<std::string>& from_command_line);
std::string resolve_config_path(const std::optional<std::string>& from_command_line, const Environment& env);

}  // namespace rosterd::config
