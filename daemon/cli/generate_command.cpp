// Hidden commands for the build and the shell, absent from --help and the man page:
//   rosterd generate rosterd.8|rosterd.yaml.5|bash-completion   the document, on stdout
//   rosterd complete sources                                    the configuration's source names

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "app/root.hpp"
#include "cli/commands.hpp"
#include "cli/reference_pages.hpp"
#include "cli/usage_errors.hpp"
#include "config/source_names.hpp"

namespace rosterd::cli {

Command add_generate_command(CLI::App& parent, const app::Root& root) {
  auto what = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("generate", "Write a document generated from rosterd's definitions to stdout");
  app->group("");  // hidden
  app->add_option("WHAT", *what, "rosterd.8, rosterd.yaml.5 or bash-completion")
      ->required()
      ->check(one_of({"rosterd.8", "rosterd.yaml.5", "bash-completion"}));
  return {app, [&parent, &root, what] {
            const auto schemas = sources::source_schemas(root.types());
            std::string text;
            if (*what == "rosterd.8") text = rosterd_8(parent, ROSTERD_VERSION);
            if (*what == "rosterd.yaml.5") text = rosterd_yaml_5(schemas, ROSTERD_VERSION);
            if (*what == "bash-completion") text = bash_completion(parent, schemas);
            std::fputs(text.c_str(), stdout);
            return std::fflush(stdout) == 0 ? k_exit_ok : k_exit_failed;
          }};
}

// For the completion, which must never print an error into the user's command line: the
// names, or nothing (and exit status 1) when the configuration cannot be read.
Command add_complete_command(CLI::App& parent, const GlobalOptions& global) {
  auto what = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("complete", "Print the configuration's source names, for the shell's completion");
  app->group("");  // hidden
  app->add_option("WHAT", *what, "sources")->required()->check(one_of({"sources"}));
  return {app, [&global, what] {
            if (*what != "sources") return k_exit_usage;
            const auto names = config::listed_source_names(config::resolve_config_path(global.config_path));
            for (const auto& name : names) std::printf("%s\n", name.c_str());
            return names.empty() ? k_exit_failed : k_exit_ok;
          }};
}

}  // namespace rosterd::cli
