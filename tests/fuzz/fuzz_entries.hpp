#pragma once
// The fuzz targets' bodies. Each feeds one input to every parser entry point of a
// vendor (daemon/sources/<vendor>/*_json.hpp) or to config::parse_config, then checks
// what an accepted input produced. Shared by the libFuzzer executables (built with
// -DROSTERD_FUZZ=ON) and by the unit test that replays tests/fixtures/regressions/
// and the seed corpora in every normal build.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::fuzz {

// An oracle failed. libFuzzer reports it as a crash (the exception is not caught);
// the replay test as a failure with this message.
class OracleFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] inline void fail(const std::string& what) { throw OracleFailure(what); }

void class4(std::string_view input);
void crocodial(std::string_view input);
void smartflo(std::string_view input);
void worksection(std::string_view input);
// A page through each shipped rest definition (config/definitions/).
void rest(std::string_view input);
void config(std::string_view input);

struct Target {
  std::string name;                   // fuzz_<name> executable; tests/fixtures/regressions/<name>/
  void (*run)(std::string_view input);
  std::vector<std::string> seeds;  // files and folders, relative to the source tree
};
const std::vector<Target>& targets();

}  // namespace rosterd::fuzz
