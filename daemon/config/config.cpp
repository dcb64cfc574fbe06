#include "config/config.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "config/file_access.hpp"
#include "config/parse_context.hpp"
#include "config/values.hpp"
#include "core/duration.hpp"
#include "core/secrets.hpp"

namespace rosterd::config {
namespace {

// A configuration larger than this is not one (or is /dev/zero).
constexpr std::size_t k_max_config_bytes = 4u << 20;

}  // namespace

std::string format_located(const Location& location, std::string_view key, std::string_view problem) {
  std::string text;
  if (!location.file.empty()) {
    text = location.line > 0 ? fmt::format("{}:{}: ", location.file, location.line) : location.file + ": ";
  }
  if (!key.empty()) text += fmt::format("{}: ", key);
  text += problem;
  return text;
}

std::string ConfigProblem::text() const { return format_located(location, key, problem); }

namespace {

// Control bytes as escapes: a value quoted in a message may hold a line break, and
// each problem must stay one line (of a terminal, of the journal).
std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Redacted as a second line of defence: messages are written never to contain a secret.
std::vector<ConfigProblem> redacted(std::vector<ConfigProblem> problems) {
  if (problems.empty()) problems.push_back({{}, "", "the configuration is not valid"});
  for (auto& item : problems) {
    item.location.file = one_line(item.location.file);
    item.key = one_line(core::secrets().redact(item.key));
    item.problem = one_line(core::secrets().redact(item.problem));
  }
  return problems;
}

std::string problems_text(const std::vector<ConfigProblem>& problems, std::size_t max_listed) {
  if (problems.size() == 1) return problems.front().text();
  const std::string& file = problems.front().location.file;
  std::string out = file.empty() ? fmt::format("{} errors:", problems.size())
                                 : fmt::format("{} has {} errors:", file, problems.size());
  for (std::size_t i = 0; i < problems.size() && i < max_listed; ++i) out += "\n" + problems[i].text();
  if (problems.size() > max_listed) out += fmt::format("\n... and {} more", problems.size() - max_listed);
  return out;
}

}  // namespace

ConfigError::ConfigError(Location location, std::string key, std::string problem)
    : ConfigError(std::vector<ConfigProblem>{{std::move(location), std::move(key), std::move(problem)}}) {}

ConfigError::ConfigError(std::vector<ConfigProblem> problems) : ConfigError(Redacted{}, redacted(std::move(problems))) {}

ConfigError::ConfigError(Redacted, std::vector<ConfigProblem> problems)
    : std::runtime_error(core::secrets().redact(problems_text(problems, k_max_listed))),
      m_problems(std::move(problems)) {}

const SourceConfig* Config::find_source(std::string_view name) const {
  for (const auto& source : sources) {
    if (source.name == name) return &source;
  }
  return nullptr;
}

std::vector<std::string> Config::secret_values() const {
  std::vector<std::string> values;
  for (const auto& source : sources) {
    for (const auto& [key, setting] : source.settings) {
      if (!setting.secret || setting.value.empty()) continue;
      if (std::find(values.begin(), values.end(), setting.value) == values.end()) values.push_back(setting.value);
    }
  }
  return values;
}

Environment Environment::process() {
  Environment env;
  env.get_env = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string{value};
  };
  if (const char* directory = std::getenv("CREDENTIALS_DIRECTORY")) env.credentials_directory = directory;
  return env;
}

Config load_config(const std::string& path, std::span<const SourceTypeSchema> types, const Environment& env) {
  const std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  FileContent file = read_small_file(absolute, k_max_config_bytes);
  if (!file.error.empty()) throw ConfigError(Location{absolute, 0}, "", fmt::format("cannot read: {}", file.error));
  return parse_config_text(file.content, absolute, types, env, file_mode(absolute));
}

std::string resolve_config_path(const std::optional<std::string>& from_command_line) {
  return resolve_config_path(from_command_line, Environment::process());
}

std::string resolve_config_path(const std::optional<std::string>& from_command_line, const Environment& env) {
  if (from_command_line) return *from_command_line;
  if (env.get_env) {
    if (auto value = env.get_env("ROSTERD_CONFIG"); value && !value->empty()) return *value;
  }
  return std::string{k_default_config_path};
}

}  // namespace rosterd::config
