#include "cli/cli.hpp"

int main(int argc, char** argv) { return rosterd::cli::main(argc, argv); }
