// `rosterd help [COMMAND]`: what `rosterd --help` and `rosterd COMMAND --help` print,
// for people who type the word (as with git, systemctl and most tools).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "config/suggest.hpp"
#include "core/display_text.hpp"

namespace rosterd::cli {
namespace {

int help_command(const CLI::App& top, const std::string& topic) {
  if (topic.empty()) {
    // top.help() would describe the command chosen, which is `help` itself.
    std::fputs(top.get_formatter()->make_help(&top, top.get_name(), CLI::AppFormatMode::Normal).c_str(), stdout);
    return k_exit_ok;
  }
  std::vector<std::string> names;
  for (const CLI::App* command : top.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_name() == topic) {
      std::fputs(command->help(top.get_name()).c_str(), stdout);
      return k_exit_ok;
    }
    names.push_back(command->get_name());
  }
  const auto match = config::closest_match(topic, names);
  print_error(fmt::format("help: unknown command {}; {}", core::plain_or_quoted(topic),
                          match ? fmt::format("did you mean {}?", *match) : "rosterd help lists the commands"));
  return k_exit_usage;
}

}  // namespace

Command add_help_command(CLI::App& parent) {
  auto topic = std::make_shared<std::string>();
  auto* app = parent.add_subcommand("help", "Show the help of rosterd, or of one command");
  app->add_option("COMMAND", *topic, "The command to describe");
  return {app, [&parent, topic] { return help_command(parent, *topic); }};
}

}  // namespace rosterd::cli
