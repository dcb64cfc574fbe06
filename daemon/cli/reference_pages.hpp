#pragma once
// What the build generates from rosterd's own definitions (`rosterd generate`, a hidden
// command that CMake runs once the binary is built): the man pages rosterd(8), from the
// CLI11 commands that print --help, and rosterd.yaml(5), from the table of configuration
// keys the parser reads and the source types' schemas; and the bash completion.

#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace CLI {
class App;
}

namespace rosterd::cli {

std::string rosterd_8(const CLI::App& top, std::string_view version);
std::string rosterd_yaml_5(std::span<const config::SourceTypeSchema> types, std::string_view version);
// The bash completion: commands and options from `top`, datasets from `types`, source
// names from the configuration through `rosterd complete sources` when completing.
std::string bash_completion(const CLI::App& top, std::span<const config::SourceTypeSchema> types);

}  // namespace rosterd::cli
