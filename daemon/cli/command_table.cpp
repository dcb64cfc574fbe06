#include "cli/command_table.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

namespace rosterd::cli {
namespace {

OptionInfo describe(const CLI::Option& option) {
  OptionInfo out;
  out.positional = !option.nonpositional();
  if (out.positional) {
    out.names.push_back(option.get_name(true, false));
  } else {
    for (const auto& name : option.get_snames()) out.names.push_back("-" + name);
    for (const auto& name : option.get_lnames()) out.names.push_back("--" + name);
  }
  // "TEXT", or "TEXT:{a,b,c}" when a one_of() validator names the values; empty for a flag.
  auto type = option.get_type_name();
  out.takes_value = option.get_type_size() != 0 && !type.empty();
  if (out.takes_value) {
    if (const auto colon = type.find(":{"); colon != std::string::npos && type.back() == '}') {
      std::string list = type.substr(colon + 2, type.size() - colon - 3);
      for (std::size_t at = 0; at <= list.size();) {
        const auto comma = std::min(list.find(',', at), list.size());
        out.choices.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
      type.erase(colon);
    }
    out.value = type;
  }
  out.required = option.get_required();
  out.repeatable = option.get_items_expected_max() > 1;
  out.description = option.get_description();
  return out;
}

bool same_names(const OptionInfo& a, const OptionInfo& b) { return a.names == b.names; }

}  // namespace

CommandLine describe_command_line(const CLI::App& top) {
  CommandLine line;
  line.description = top.get_description();
  // A hidden option (no group) is left out, as --help leaves it out.
  const auto visible = [](const CLI::Option* option) { return !option->get_group().empty(); };
  for (const CLI::Option* option : top.get_options(visible)) line.global_options.push_back(describe(*option));
  for (const CLI::App* command : top.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_group().empty()) continue;  // hidden: for the build and the completion
    CommandInfo info{command->get_name(), command->get_description(), {}, {}};
    for (const CLI::Option* option : command->get_options(visible)) {
      auto described = describe(*option);
      // The global options each command repeats for its own --help; --help is global too.
      const bool global = std::any_of(line.global_options.begin(), line.global_options.end(),
                                      [&](const OptionInfo& g) { return same_names(g, described); });
      (global ? info.inherited : info.options).push_back(std::move(described));
    }
    line.commands.push_back(std::move(info));
  }
  return line;
}

}  // namespace rosterd::cli
