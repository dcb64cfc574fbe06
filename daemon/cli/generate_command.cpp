// A hidden command for the build, absent from --help and the man page:
//   rosterd generate rosterd.8|rosterd.yaml.5   the document, on stdout

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "app/root.hpp"
#include "cli/commands.hpp"
#include "cli/reference_pages.hpp"
#include "cli/usage_errors.hpp"

namespace rosterd::cli {

Command add_generate_command(CLI::App& parent, const app::Root& root) {
  auto what = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("generate", "Write a document generated from rosterd's definitions to stdout");
  app->group("");  // hidden
  app->add_option("WHAT", *what, "rosterd.8 or rosterd.yaml.5")->required()->check(one_of({"rosterd.8", "rosterd.yaml.5"}));
  return {app, [&parent, &root, what] {
            const auto schemas = sources::source_schemas(root.types());
            std::string text;
            if (*what == "rosterd.8") text = rosterd_8(parent, ROSTERD_VERSION);
            if (*what == "rosterd.yaml.5") text = rosterd_yaml_5(schemas, ROSTERD_VERSION);
            std::fputs(text.c_str(), stdout);
            return std::fflush(stdout) == 0 ? k_exit_ok : k_exit_failed;
          }};
}

}  // namespace rosterd::cli
