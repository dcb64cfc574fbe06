// Every input a fuzz target ever failed on (tests/fixtures/regressions/<target>/, one
// file per finding, named after what it found) and every seed of its corpus must pass
// the target's checks: no crash, no sanitizer report, no oracle failure.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "fuzz_entries.hpp"

namespace rosterd::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path k_source_dir{ROSTERD_SOURCE_DIR};
const fs::path k_regressions = fs::path{ROSTERD_FIXTURES} / "regressions";

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The files of `entry` (a file, or a folder's regular files), README.md excepted.
std::vector<fs::path> inputs_of(const fs::path& entry) {
  std::vector<fs::path> out;
  if (fs::is_regular_file(entry)) return {entry};
  if (!fs::is_directory(entry)) return out;
  for (const auto& item : fs::directory_iterator(entry)) {
    if (item.is_regular_file() && item.path().filename() != "README.md") out.push_back(item.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t replay(const Target& target, const std::vector<fs::path>& inputs) {
  for (const auto& path : inputs) {
    SCOPED_TRACE(path.string());
    const auto input = read_all(path);
    try {
      target.run(input);
    } catch (const OracleFailure& failure) {
      ADD_FAILURE() << failure.what();
    }
  }
  return inputs.size();
}

}  // namespace

// For test names and failure messages.
void PrintTo(const Target& target, std::ostream* out) { *out << target.name; }

namespace {

class FuzzReplay : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplay, EverySavedFindingPasses) {
  replay(GetParam(), inputs_of(k_regressions / GetParam().name));
}

TEST_P(FuzzReplay, EverySeedPasses) {
  std::size_t seeds = 0;
  for (const auto& seed : GetParam().seeds) seeds += replay(GetParam(), inputs_of(k_source_dir / seed));
  EXPECT_GE(seeds, 3u) << "the corpus is where the fuzzer starts";
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn(targets()),
                         [](const ::testing::TestParamInfo<Target>& param) { return param.param.name; });

TEST(FuzzRegressions, EveryFolderNamesATarget) {
  std::set<std::string> names;
  for (const auto& target : targets()) names.insert(target.name);
  for (const auto& item : fs::directory_iterator(k_regressions)) {
    if (item.is_directory()) {
      EXPECT_EQ(names.count(item.path().filename().string()), 1u) << item.path();
    }
  }
}

}  // namespace
}  // namespace rosterd::fuzz
