#pragma once

namespace rosterd::cli {

// Parses argv and runs one subcommand. Exit status: 0 success, 1 a source failed
// or was refused, 2 usage or configuration error (README, "Command line").
int main(int argc, char** argv);

}  // namespace rosterd::cli
