// The table of source types as the configuration loader sees it: every vendor setting's
// kind and range and every type's credentials are in the schema rows, so that a file
// is validated by config::parse_config alone, before any source object exists.

#include "sources/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace rosterd::sources {
namespace {

const std::string k_path = "/nonexistent/rosterd.yaml";

// The source is written from line 3; each extra line follows, from line 6.
std::string with_source(const std::string& type, const std::vector<std::string>& lines) {
  std::string yaml = "database: roster.db\nsources:\n  - name: a\n    type: " + type + "\n    url: https://a.example\n";
  for (const auto& line : lines) yaml += "    " + line + "\n";
  return yaml;
}

// Every problem's text, or nothing when the file is accepted.
std::vector<std::string> problems_of(const std::string& yaml) {
  try {
    (void)config::parse_config(yaml, k_path, source_schemas());
  } catch (const config::ConfigError& error) {
    std::vector<std::string> texts;
    for (const auto& problem : error.problems()) texts.push_back(problem.text());
    return texts;
  }
  return {};
}

std::string at(int line, const std::string& rest) {
  return k_path + ":" + std::to_string(line) + ": " + rest;
}

// rosterd.yaml(5) lists every type and every key of it from the schema: none may lack its text.
TEST(SourceTypeRegistry, EveryKeyIsDocumentedAndEveryCredentialIsAKeyOfItsType) {
  for (const auto& type : source_types()) {
    EXPECT_FALSE(type.schema.description.empty()) << type.schema.type;
    for (const auto& spec : type.schema.settings) {
      EXPECT_FALSE(spec.help.empty()) << type.schema.type << ": " << spec.key;
      EXPECT_EQ(type.schema.setting(spec.key), &spec) << type.schema.type << ": " << spec.key << " declared twice";
    }
    for (const auto& way : type.schema.credentials) {
      for (const auto& key : way) EXPECT_NE(type.schema.setting(key), nullptr) << type.schema.type << ": " << key;
    }
    // A declarative type's credentials are the parameters its definition declares secret.
    EXPECT_EQ(type.schema.credentials.empty(), type.schema.declarative) << type.schema.type;
    if (type.schema.declarative) {
      EXPECT_TRUE(type.schema.settings.empty()) << type.schema.type;
    }
  }
}

TEST(SourceTypeRegistry, PageSizeMustBeWithinOneToAThousand) {
  for (const std::string type : {"smartflo", "class4"}) {
    for (const std::string bad : {"0", "1001", "-5", "ten", "1e3"}) {
      const auto problems = problems_of(with_source(type, {"token: t0ken", "page_size: " + bad}));
      ASSERT_EQ(problems.size(), 1u) << type << " " << bad;
      EXPECT_EQ(problems[0].rfind(at(7, "sources[0].page_size: \"" + bad + "\" is "), 0), 0u) << problems[0];
    }
    EXPECT_EQ(problems_of(with_source(type, {"token: t0ken", "page_size: 0"})),
              (std::vector<std::string>{at(7, "sources[0].page_size: \"0\" is out of range (1..1000)")}));
    for (const std::string good : {"1", "1000"}) {
      EXPECT_EQ(problems_of(with_source(type, {"token: t0ken", "page_size: " + good})), std::vector<std::string>{})
          << type << " " << good;
    }
  }
}

TEST(SourceTypeRegistry, CrocodialPerUserLimitsAndAgentStatusIntervalAreChecked) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"concurrency: 0", "sources[0].concurrency: \"0\" is out of range (1..64)"},
      {"concurrency: 65", "sources[0].concurrency: \"65\" is out of range (1..64)"},
      {"concurrency: two", "sources[0].concurrency: \"two\" is not a whole number"},
      {"max_requests_per_second: 0",
       "sources[0].max_requests_per_second: \"0\" is out of range (more than 0, at most 1000)"},
      {"max_requests_per_second: -1",
       "sources[0].max_requests_per_second: \"-1\" is out of range (more than 0, at most 1000)"},
      {"max_requests_per_second: 1001",
       "sources[0].max_requests_per_second: \"1001\" is out of range (more than 0, at most 1000)"},
      {"agent_status_interval: soon",
       "sources[0].agent_status_interval: \"soon\" is not a duration (use 30s, 5m, 1h or seconds)"},
  };
  for (const auto& [line, problem] : bad) {
    EXPECT_EQ(problems_of(with_source("crocodial", {"user: u", "password: p", line})),
              std::vector<std::string>{at(8, problem)});
  }
  EXPECT_EQ(problems_of(with_source("crocodial", {"user: u", "password: p", "concurrency: 64",
                                                  "max_requests_per_second: 0.5", "agent_status_interval: 0s"})),
            std::vector<std::string>{});
}

TEST(SourceTypeRegistry, ADefaultIsCheckedOnceWhereItIsWritten) {
  const std::string yaml =
      "database: roster.db\n"
      "defaults:\n"
      "  page_size: 0\n"
      "sources:\n"
      "  - {name: a, type: smartflo, url: 'https://a.example', token: t}\n"
      "  - {name: b, type: class4, url: 'https://b.example', token: t}\n";
  EXPECT_EQ(problems_of(yaml), std::vector<std::string>{at(3, "defaults.page_size: \"0\" is out of range (1..1000)")});
}

TEST(SourceTypeRegistry, EachTypeNamesTheCredentialsItNeeds) {
  EXPECT_EQ(problems_of(with_source("class4", {})),
            std::vector<std::string>{at(3, "sources[0]: type class4 needs token, or user and password")});
  EXPECT_EQ(problems_of(with_source("smartflo", {"page_size: 10"})),
            std::vector<std::string>{at(3, "sources[0]: type smartflo needs token, or email and password")});
  EXPECT_EQ(problems_of(with_source("smartflo", {"token: t0ken", "email: a@b.c", "password: pw"})),
            std::vector<std::string>{at(7, "sources[0].email: give either token or email + password, not both")});
  EXPECT_EQ(problems_of(with_source("class4", {"password: pw", "token: t0ken"})),
            std::vector<std::string>{at(6, "sources[0].password: give either token or user + password, not both")});
  EXPECT_EQ(problems_of(with_source("smartflo", {"email: a@b.c"})),
            std::vector<std::string>{at(3, "sources[0].password: is required for type smartflo")});
  EXPECT_EQ(problems_of(with_source("class4", {"token: ''"})),
            std::vector<std::string>{at(6, "sources[0].token: is empty")});
  EXPECT_EQ(problems_of(with_source("crocodial", {})),
            (std::vector<std::string>{at(3, "sources[0].user: is required for type crocodial"),
                                      at(3, "sources[0].password: is required for type crocodial")}));
  EXPECT_EQ(problems_of(with_source("worksection", {})),
            std::vector<std::string>{at(3, "sources[0].api_key: is required for type worksection")});
  EXPECT_EQ(problems_of(with_source("worksection", {"api_key: k"})), std::vector<std::string>{});
}

}  // namespace
}  // namespace rosterd::sources
