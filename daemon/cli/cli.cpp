#include "cli/cli.hpp"

namespace rosterd::cli {

int main(int, char**) { return 0; }

}  // namespace rosterd::cli
