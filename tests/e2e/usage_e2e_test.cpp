// Command-line mistakes as an operator meets them in the real binary: one line on
// stderr with the `rosterd:` prefix, the closest command or option, plain words
// instead of the parser's internals, exit status 2; and `rosterd help`, `rosterd help
// COMMAND` and `rosterd -V`.

#include <regex>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

struct Mistake {
  std::vector<std::string> args;
  std::string message;  // the whole of stderr
};

void expect_usage_error(const Mistake& mistake) {
  const auto r = run_rosterd(mistake.args);
  std::string shown;
  for (const auto& arg : mistake.args) shown += " " + arg;
  EXPECT_EQ(r.exit_code, 2) << "rosterd" << shown;
  EXPECT_EQ(r.err, mistake.message) << "rosterd" << shown;
  EXPECT_EQ(r.out, "") << "rosterd" << shown;
}

TEST(UsageE2e, AMistypedCommandOrOptionGetsTheClosestName) {
  for (const auto& mistake : std::vector<Mistake>{
           {{"sync", "--sorce", "x"}, "rosterd: sync: unknown option --sorce; did you mean --source?\n"},
           {{"sync", "--sorce=x"}, "rosterd: sync: unknown option --sorce; did you mean --source?\n"},
           {{"stauts"}, "rosterd: unknown command stauts; did you mean status?\n"},
           {{"histroy", "2222"}, "rosterd: unknown command histroy; did you mean history?\n"},
           {{"users", "--fromat", "csv"}, "rosterd: users: unknown option --fromat; did you mean --format?\n"},
           {{"status", "--log-levle", "debug"}, "rosterd: status: unknown option --log-levle; did you mean --log-level?\n"},
           {{"changes", "--entity", "users"},
            "rosterd: changes: --entity takes user, portfolio, profile or campaign, got users; did you mean user?\n"},
           {{"help", "stauts"}, "rosterd: help: unknown command stauts; did you mean status?\n"},
       }) {
    expect_usage_error(mistake);
  }
}

TEST(UsageE2e, WithoutACloseNameItSaysWhereTheNamesAreListed) {
  for (const auto& mistake : std::vector<Mistake>{
           {{"frobnicate"}, "rosterd: unknown command frobnicate; rosterd help lists the commands\n"},
           {{"sync", "--frobnicate"}, "rosterd: sync: unknown option --frobnicate; rosterd help sync lists the options\n"},
           {{"--frobnicate"}, "rosterd: unknown option --frobnicate; rosterd help lists the options\n"},
           {{"sync", "extra"}, "rosterd: sync: unexpected argument extra; rosterd help sync shows what it takes\n"},
           {{}, "rosterd: no command given; rosterd help lists the commands\n"},
           {{"history"}, "rosterd: history: USER is required; rosterd help history shows what it takes\n"},
       }) {
    expect_usage_error(mistake);
  }
}

TEST(UsageE2e, BadValuesAreExplainedInPlainWords) {
  for (const auto& mistake : std::vector<Mistake>{
           {{"changes", "--limit", "-1"}, "rosterd: changes: --limit takes 0 or a positive whole number, got -1\n"},
           {{"changes", "--limit", "ten"}, "rosterd: changes: --limit takes 0 or a positive whole number, got ten\n"},
           {{"changes", "--limit", "99999999999999999999"},
            "rosterd: changes: --limit takes 0 or a positive whole number, got 99999999999999999999 (too large)\n"},
           {{"changes", "--limit"}, "rosterd: changes: --limit needs a value\n"},
           {{"users", "--format", "xml"}, "rosterd: users: --format takes table, csv or json, got xml\n"},
           {{"users", "--all=maybe"}, "rosterd: users: --all is a flag and takes no value, got maybe\n"},
           {{"history", "x", "--match", "mail"},
            "rosterd: history: --match takes any, id, username or email, got mail; did you mean email?\n"},
           {{"--log-level", "loud", "status"},
            "rosterd: status: --log-level takes trace, debug, info, warn or error, got loud\n"},
       }) {
    expect_usage_error(mistake);
  }
}

TEST(UsageE2e, NoUsageErrorShowsTheParsersInternals) {
  const std::regex internals{"[0-9]{20,}|INT|TEXT|Could not convert|not in range|Run with|:\\{"};
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"changes", "--limit", "-5"},
           {"changes", "--limit", "1e999"},
           {"changes", "--since"},
           {"users", "--format"},
           {"users", "--format", ""},
           {"status", "--json=maybe"},
           {"sync", "--dry-run=x"},
           {"--config"},
           {"demo", "--database"},
           {"history", "a", "b"},
       }) {
    const auto r = run_rosterd(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_TRUE(r.err.starts_with("rosterd: ")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_FALSE(std::regex_search(r.err, internals)) << r.err;
  }
}

TEST(UsageE2e, HelpAsACommandPrintsWhatHelpAsAnOptionPrints) {
  const auto top = run_rosterd({"help"});
  EXPECT_EQ(top.exit_code, 0) << top.err;
  EXPECT_EQ(top.out, run_rosterd({"--help"}).out);
  EXPECT_NE(top.out.find("Usage: rosterd"), std::string::npos) << top.out;
  for (const std::string command :
       {"run", "sync", "check", "demo", "history", "changes", "users", "status", "migrate"}) {
    EXPECT_NE(top.out.find("  " + command + " "), std::string::npos) << "lists " << command;
    const auto one = run_rosterd({"help", command});
    EXPECT_EQ(one.exit_code, 0) << command << ": " << one.err;
    EXPECT_EQ(one.out, run_rosterd({command, "--help"}).out) << command;
    EXPECT_NE(one.out.find("Usage: rosterd " + command), std::string::npos) << one.out;
  }
}

TEST(UsageE2e, DashCapitalVPrintsTheVersionLikeDashDashVersion) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-V"}, {"--version"}, {"sync", "-V"}, {"users", "-V"}}) {
    const auto r = run_rosterd(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_EQ(r.out, "rosterd " ROSTERD_VERSION "\n");
    EXPECT_EQ(r.err, "");
  }
}

}  // namespace
}  // namespace rosterd::testing
