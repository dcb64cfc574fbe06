#pragma once
// The command line as data, read from the CLI11 definitions that also print --help: what
// the man page rosterd(8) and the bash completion are generated from, so that neither
// can drift from the commands and options rosterd really takes.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rosterd::cli {

struct OptionInfo {
  std::vector<std::string> names;    // "-h", "--help"; a positional's name ("PATH")
  bool positional = false;
  bool takes_value = false;          // false: a flag
  std::string value;                 // what the value is: "PATH", "TEXT", "INT"
  std::vector<std::string> choices;  // the values it takes, when a fixed list (one_of())
  bool required = false;
  bool repeatable = false;
  std::string description;
};

struct CommandInfo {
  std::string name;
  std::string description;
  std::vector<OptionInfo> options;    // its own, without the global ones
  std::vector<OptionInfo> inherited;  // the global ones it takes too (`help` takes only --help)
};

struct CommandLine {
  std::string description;
  std::vector<OptionInfo> global_options;  // every command takes them
  std::vector<CommandInfo> commands;       // in the order declared; hidden ones left out
};

// `top`'s visible commands and every option of each, --help and --version included.
CommandLine describe_command_line(const CLI::App& top);

}  // namespace rosterd::cli
