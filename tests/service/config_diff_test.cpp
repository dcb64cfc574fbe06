#include "service/config_diff.hpp"

#include <gtest/gtest.h>

namespace rosterd::service {
namespace {

config::SourceConfig source(std::string name, std::string url = "http://127.0.0.1:1") {
  config::SourceConfig s;
  s.name = std::move(name);
  s.type = "class4";
  s.url = std::move(url);
  s.datasets = {"users"};
  s.settings["token"] = {"secret-token", {"a.yaml", 3}, "sources[0].token", true};
  return s;
}

TEST(ConfigDiff, SortsSourcesIntoAddedRemovedChangedUnchanged) {
  config::Config before;
  before.sources = {source("keep"), source("edit"), source("drop")};
  config::Config after;
  after.sources = {source("keep"), source("edit", "http://127.0.0.1:2"), source("new")};
  after.sources[0].location.line = 40;  // moved in the file: still the same source
  after.sources[0].settings["token"].location.line = 44;
  const auto diff = diff_sources(before, after);
  EXPECT_EQ(diff.added, std::vector<std::string>{"new"});
  EXPECT_EQ(diff.removed, std::vector<std::string>{"drop"});
  EXPECT_EQ(diff.changed, std::vector<std::string>{"edit"});
  EXPECT_EQ(diff.unchanged, std::vector<std::string>{"keep"});
}

TEST(ConfigDiff, AnyTimingCredentialOrDatasetChangeCounts) {
  const auto base = source("a");
  auto interval = base;
  interval.interval = std::chrono::minutes{1};
  auto token = base;
  token.settings["token"].value = "other-token";
  auto datasets = base;
  datasets.datasets = {"users", "portfolios"};
  auto extra = base;
  extra.settings["page_size"] = {"50", {}, "", false};
  for (const auto* other : {&interval, &token, &datasets, &extra}) EXPECT_FALSE(same_settings(base, *other));
  EXPECT_TRUE(same_settings(base, source("a")));
}

}  // namespace
}  // namespace rosterd::service
