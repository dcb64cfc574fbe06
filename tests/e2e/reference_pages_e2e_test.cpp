// The man pages the build generates (cmake/ReferenceDocs.cmake) against what they
// document: every command and option that the real `rosterd --help` and `rosterd X --help`
// print is in rosterd(8); every key of the parser's lists (config/config_keys.hpp), of each
// source type's schema and of config/rosterd.example.yaml is in rosterd.yaml(5); and man and
// groff render both without a warning. Built into cli_e2e_test's executable.

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/config_keys.hpp"
#include "harness.hpp"
#include "sources/registry.hpp"

namespace rosterd::testing {
namespace {

const std::string k_generated = ROSTERD_GENERATED_DIR;

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A run_shell command's exit status and output (stdout and what the command redirects).
ProcessResult run_shell(const std::string& command) {
  ProcessResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The page as a reader sees its words: roff's font changes dropped, \- and \e as typed.
std::string plain(const std::string& roff) {
  std::string out = std::regex_replace(roff, std::regex(R"(\\f[BIRP])"), "");
  out = std::regex_replace(out, std::regex(R"(\\-)"), "-");
  out = std::regex_replace(out, std::regex(R"(\\&)"), "");
  return std::regex_replace(out, std::regex(R"(\\e)"), "\\");
}

// The text of the section that starts with the line `heading` (".SS \"...\"" or ".SH ..."),
// up to the next heading; empty when the page has none.
std::string section(const std::string& page, const std::string& heading) {
  const auto start = page.find("\n" + heading + "\n");
  if (start == std::string::npos) return {};
  const auto body = start + heading.size() + 2;
  auto end = page.find("\n.S", body);
  return page.substr(body, end == std::string::npos ? std::string::npos : end - body);
}

// The names in the first column of a --help section ("Options:", "Positionals:",
// "Subcommands:"): "-h,--help" gives -h and --help, "PATH TEXT REQUIRED" gives PATH.
std::vector<std::string> help_column(const std::string& help, const std::string& title) {
  std::vector<std::string> names;
  std::istringstream lines(help);
  std::string line;
  bool inside = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line[0] != ' ') {
      inside = line == title;
      continue;
    }
    if (!inside || line.size() < 3 || line[2] == ' ') continue;  // a wrapped description
    std::string first = line.substr(2, line.find(' ', 2) - 2);
    std::stringstream parts(first);
    for (std::string name; std::getline(parts, name, ',');) names.push_back(name);
  }
  return names;
}

class ReferencePages : public ::testing::Test {
 protected:
  std::string m_rosterd_8 = file_text(k_generated + "/rosterd.8");
  std::string m_rosterd_yaml_5 = file_text(k_generated + "/rosterd.yaml.5");
};

TEST_F(ReferencePages, EveryCommandAndOptionOfTheHelpIsInRosterd8) {
  ASSERT_FALSE(m_rosterd_8.empty()) << k_generated << "/rosterd.8 was not generated";
  const auto page = plain(m_rosterd_8);
  const auto top = run_rosterd({"--help"});
  ASSERT_EQ(top.exit_code, 0) << top.all();
  const auto globals = section(page, ".SH GLOBAL OPTIONS");
  for (const auto& option : help_column(top.out, "Options:")) {
    EXPECT_NE(globals.find(option), std::string::npos) << option << " is not among the global options";
  }
  const auto commands = help_column(top.out, "Subcommands:");
  ASSERT_GE(commands.size(), 11u) << top.out;
  for (const auto& command : commands) {
    const auto help = run_rosterd({command, "--help"});
    ASSERT_EQ(help.exit_code, 0) << command << ": " << help.all();
    const auto text = section(page, ".SS \"rosterd " + command + "\"");
    ASSERT_FALSE(text.empty()) << "rosterd(8) has no section for " << command;
    const auto description = help.out.substr(0, help.out.find('\n'));
    EXPECT_NE(text.find(description), std::string::npos) << command << ": " << description;
    EXPECT_NE(page.find("\nrosterd " + command), std::string::npos) << command << " is not in the synopsis";
    for (const auto& title : {"Options:", "Positionals:"}) {
      for (const auto& option : help_column(help.out, title)) {
        EXPECT_TRUE(text.find(option) != std::string::npos || globals.find(option) != std::string::npos)
            << "rosterd " << command << " " << option << " is not in rosterd(8)";
      }
    }
  }
  for (const char* hidden : {"generate", "complete"}) {
    EXPECT_EQ(page.find("rosterd " + std::string(hidden)), std::string::npos) << "a hidden command is documented";
  }
}

// `key` documented in `text`: its bold name, then its value in parentheses.
bool documents(const std::string& text, const std::string& key) {
  return text.find("\\fB" + key + "\\fR (") != std::string::npos;
}

TEST_F(ReferencePages, EveryKeyThatTheParserAcceptsIsInRosterdYaml5) {
  ASSERT_FALSE(m_rosterd_yaml_5.empty()) << k_generated << "/rosterd.yaml.5 was not generated";
  const auto& page = m_rosterd_yaml_5;
  const auto heading_of = [](std::string_view map) {
    if (map == config::k_top_level) return std::string(".SH TOP-LEVEL KEYS");
    if (map == config::k_source_map) return std::string(".SH SOURCES");
    return ".SS \"" + std::string(map) + "\"";
  };
  std::size_t checked = 0;
  for (const auto map : config::config_maps()) {
    const auto text = section(page, heading_of(map));
    ASSERT_FALSE(text.empty()) << "no section for " << heading_of(map);
    for (const auto& key : config::keys_of(map)) {
      EXPECT_TRUE(documents(text, key)) << map << ": " << key;
      ++checked;
    }
  }
  // The parser's own lists, by role, are the table's: each of them documented too.
  for (const auto role : {config::KeyRole::identity, config::KeyRole::shared, config::KeyRole::source_only,
                          config::KeyRole::declarative}) {
    for (const auto& key : config::keys_of(config::k_source_map, role)) {
      EXPECT_TRUE(documents(section(page, ".SH SOURCES"), key)) << key;
    }
  }
  EXPECT_GE(checked, 90u);
  for (const auto& type : sources::source_types()) {
    const auto text = section(page, ".SS \"type " + type.schema.type + "\"");
    ASSERT_FALSE(text.empty()) << "no section for type " << type.schema.type;
    for (const auto& key : type.schema.keys()) EXPECT_TRUE(documents(text, key)) << type.schema.type << ": " << key;
    for (const auto& dataset : type.schema.datasets) EXPECT_NE(text.find(dataset), std::string::npos) << dataset;
  }
}

TEST_F(ReferencePages, EveryKeyOfTheExampleConfigurationIsInRosterdYaml5) {
  // Keys as written in the example, commented-out ones included: "  interval: 15m",
  // "    # token: ${credential:...}", "  - name: acme-dialer".
  const std::regex key_line(R"(^\s*#?\s*(?:-\s+)?([a-z_]+):(?:\s|$))");
  std::ifstream example(ROSTERD_SOURCE_DIR "/config/rosterd.example.yaml");
  ASSERT_TRUE(example);
  std::set<std::string> keys;
  for (std::string line; std::getline(example, line);) {
    std::smatch match;
    if (std::regex_search(line, match, key_line)) keys.insert(match[1]);
  }
  EXPECT_GE(keys.size(), 25u);
  for (const auto& key : keys) EXPECT_TRUE(documents(m_rosterd_yaml_5, key)) << key;
}

TEST_F(ReferencePages, ManAndGroffRenderThemWithoutWarnings) {
  if (run_shell("command -v man >/dev/null && command -v groff >/dev/null").exit_code != 0) {
    GTEST_SKIP() << "man or groff is not installed (scripts/install-deps.sh --test-tools installs them)";
  }
  for (const char* page : {"rosterd.8", "rosterd.yaml.5"}) {
    const auto path = k_generated + "/" + page;
    const auto man = run_shell("MANWIDTH=80 man --warnings -l '" + path + "' 2>&1 >/dev/null");
    EXPECT_EQ(man.exit_code, 0) << page;
    EXPECT_EQ(man.out, "") << page;
    const auto groff = run_shell("groff -man -ww -z '" + path + "' 2>&1");
    EXPECT_EQ(groff.exit_code, 0) << page;
    EXPECT_EQ(groff.out, "") << page;
    const auto rendered = run_shell("MANWIDTH=80 man -l '" + path + "' 2>/dev/null");
    EXPECT_NE(rendered.out.find("NAME"), std::string::npos) << page;
    // The installed copy is the same page.
    EXPECT_TRUE(run_shell("gzip -dc '" + path + ".gz'").out == file_text(path)) << page << ".gz is not the page";
  }
}

}  // namespace
}  // namespace rosterd::testing
