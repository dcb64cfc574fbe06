#pragma once
// A temporary directory holding a configuration file and the files it refers to, an
// Environment backed by a map, and source-type tables shaped like the real registry's.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace rosterd::config::testing {

// Vendor keys of free text, those named in `secrets` credentials.
inline std::vector<SettingSpec> text_settings(const std::vector<std::string>& keys,
                                              const std::vector<std::string>& secrets) {
  std::vector<SettingSpec> out;
  for (const auto& key : keys) {
    out.push_back(std::find(secrets.begin(), secrets.end(), key) != secrets.end() ? secret_setting(key)
                                                                                  : text_setting(key));
  }
  return out;
}

inline const std::vector<SourceTypeSchema> k_types = {
    {.type = "crocodial",
     .settings = text_settings({"user", "password", "page_size"}, {"password"}),
     .datasets = {"users", "portfolios", "profiles", "campaigns", "user_stats", "agent_status"},
     .default_datasets = {"users", "portfolios", "profiles", "campaigns"}},
    {.type = "worksection",
     .settings = text_settings({"api_key"}, {"api_key"}),
     .datasets = {"users"},
     .default_datasets = {"users"}},
    {.type = "smartflo",
     .settings = text_settings({"token", "email", "password", "page_size", "login_ttl"}, {"token", "password"}),
     .datasets = {"users"},
     .default_datasets = {}},
};

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::path{::testing::TempDir()} / "rosterd-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_env.get_env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = m_vars.find(name);
      if (it == m_vars.end()) return std::nullopt;
      return it->second;
    };
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  [[nodiscard]] std::string path(const std::string& name) const { return (m_dir / name).string(); }
  [[nodiscard]] std::string config_path() const { return path("rosterd.yaml"); }

  void write(const std::string& name, const std::string& content,
             std::filesystem::perms mode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write) {
    std::filesystem::create_directories((m_dir / name).parent_path());
    std::ofstream(path(name), std::ios::binary) << content;
    std::filesystem::permissions(path(name), mode);
  }

  Config parse(const std::string& yaml) { return parse_config(yaml, config_path(), k_types, m_env); }

  // what() of the ConfigError that parsing throws, or a marker that fails any comparison.
  std::string error_of(const std::string& yaml) {
    try {
      (void)parse(yaml);
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "<no error>";
  }

  // "<config path>:<line>: <rest>", the shape every located error has.
  [[nodiscard]] std::string at(int line, const std::string& rest) const {
    return config_path() + ":" + std::to_string(line) + ": " + rest;
  }

  std::filesystem::path m_dir;
  std::map<std::string, std::string> m_vars;
  Environment m_env;
};

}  // namespace rosterd::config::testing
