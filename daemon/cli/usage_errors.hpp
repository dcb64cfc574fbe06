#pragma once
// Command-line mistakes as one line that says what was wrong and what to do, in
// place of CLI11's own messages: the `rosterd:` prefix, the command the mistake is
// in, the closest command or option when a name is mistyped, and none of CLI11's
// internals (type names such as INT:NONNEGATIVE, numeric ranges).

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace rosterd::cli {

// For CLI::App::failure_message() of the top-level app (CLI::App::exit() prints it):
// "rosterd: [<command>: ]<what was wrong>; <what to do>\n", for example
//   rosterd: sync: unknown option --sorce; did you mean --source?
//   rosterd: unknown command stauts; did you mean status?
std::string usage_failure_message(const CLI::App* top, const CLI::Error& error);

// Validators whose messages follow the option's name ("--limit takes ...", see
// usage_failure_message). Each checks the text before CLI11 converts it, so that no
// conversion error of CLI11's reaches the user.

// A whole number, 0 or more.
CLI::Validator count_validator();

// Exactly one of `choices`; a near miss is answered with the closest choice. The
// help shows the choices as {a,b,c}.
CLI::Validator one_of(std::vector<std::string> choices);

}  // namespace rosterd::cli
