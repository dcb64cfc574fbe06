#include "cli/usage_errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/suggest.hpp"
#include "core/display_text.hpp"

namespace rosterd::cli {
namespace {

// The command being parsed when the error was found; null at the top level.
const CLI::App* chosen_command(const CLI::App& top) {
  const auto chosen = top.get_subcommands();
  return chosen.empty() ? nullptr : chosen.front();
}

// "sync: " inside a command, "" at the top level.
std::string context_of(const CLI::App* command) {
  return command == nullptr ? std::string{} : command->get_name() + ": ";
}

// Where the user finds the right spelling.
std::string help_for(const CLI::App* command) {
  return command == nullptr ? std::string{"rosterd help"} : "rosterd help " + command->get_name();
}

// The commands --help lists: a hidden one (the build's, the shell's) is never suggested.
std::vector<std::string> command_names(const CLI::App& top) {
  std::vector<std::string> names;
  for (const CLI::App* command : top.get_subcommands([](const CLI::App*) { return true; })) {
    if (!command->get_group().empty()) names.push_back(command->get_name());
  }
  return names;
}

// Long option names without their dashes: those of the command and the global ones.
std::vector<std::string> option_names(const CLI::App& top, const CLI::App* command) {
  std::vector<std::string> names;
  for (const CLI::App* app : {&top, command}) {
    if (app == nullptr) continue;
    for (const CLI::Option* option : app->get_options()) {
      names.insert(names.end(), option->get_lnames().begin(), option->get_lnames().end());
    }
  }
  return names;
}

// CLI11's rule: "--x" and "-x" are options, "-1" is a value.
bool looks_like_option(std::string_view word) {
  if (word.starts_with("--")) return word.size() > 2;
  return word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9');
}

std::string unknown_option(const CLI::App& top, const CLI::App* command, std::string_view word) {
  const std::string_view name = word.substr(0, word.find('='));  // --sorce=x
  std::string text = fmt::format("{}unknown option {}", context_of(command), core::plain_or_quoted(name));
  if (name.starts_with("--")) {
    if (auto match = config::closest_match(name.substr(2), option_names(top, command))) {
      return text + fmt::format("; did you mean --{}?", *match);
    }
  }
  return text + fmt::format("; {} lists the options", help_for(command));
}

std::string unexpected_word(const CLI::App& top, const CLI::App* command, std::string_view word) {
  if (looks_like_option(word)) return unknown_option(top, command, word);
  if (command == nullptr) {
    const std::string text = fmt::format("unknown command {}", core::plain_or_quoted(word));
    if (auto match = config::closest_match(word, command_names(top))) {
      return text + fmt::format("; did you mean {}?", *match);
    }
    return text + "; rosterd help lists the commands";
  }
  return fmt::format("{}unexpected argument {}; {} shows what it takes", context_of(command),
                     core::plain_or_quoted(word), help_for(command));
}

// The option (or positional) whose name starts CLI11's message "<name>: ...".
const CLI::Option* named_in(std::string_view message, const CLI::App& top, const CLI::App* command) {
  for (const CLI::App* app : {command, &top}) {
    if (app == nullptr) continue;
    for (const CLI::Option* option : app->get_options()) {
      if (message.starts_with(option->get_name() + ": ")) return option;
    }
  }
  return nullptr;
}

// CLI11's "Could not convert: --all = maybe": the option and the value ("maybe").
struct Conversion {
  const CLI::Option* option = nullptr;
  std::string_view value;
};

Conversion converted(std::string_view message, const CLI::App& top, const CLI::App* command) {
  constexpr std::string_view k_prefix = "Could not convert: ";
  if (!message.starts_with(k_prefix)) return {};
  const std::string_view rest = message.substr(k_prefix.size());
  for (const CLI::App* app : {command, &top}) {
    if (app == nullptr) continue;
    for (const CLI::Option* option : app->get_options()) {
      const std::string name = option->get_name() + " = ";
      if (rest.starts_with(name)) return {option, rest.substr(name.size())};
    }
  }
  return {};
}

std::string describe(const CLI::App& top, const CLI::Error& error) {
  const CLI::App* command = chosen_command(top);
  // A mistyped word is the likeliest cause of whatever else failed: name it first.
  if (const auto words = top.remaining(true); !words.empty()) return unexpected_word(top, command, words.front());

  const std::string_view message = error.what();
  const CLI::Option* option = named_in(message, top, command);
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (command == nullptr) return "no command given; rosterd help lists the commands";
    return fmt::format("{}{}; {} shows what it takes", context_of(command), message, help_for(command));
  }
  if (option != nullptr && dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    return fmt::format("{}{} needs a value", context_of(command), option->get_name());
  }
  if (option != nullptr && dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    // "--limit: takes ..." from the validators below reads "--limit takes ...".
    return fmt::format("{}{} {}", context_of(command), option->get_name(),
                       message.substr(option->get_name().size() + 2));
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
    if (const auto [flag, value] = converted(message, top, command); flag != nullptr) {
      return fmt::format("{}{} {}, got {}", context_of(command), flag->get_name(),
                         flag->get_expected_min() == 0 ? "is a flag and takes no value" : "cannot take this value",
                         core::plain_or_quoted(value));
    }
  }
  return fmt::format("{}{}; {} shows the usage", context_of(command), message, help_for(command));
}

std::string listed(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += choices[i];
  }
  return out;
}

}  // namespace

std::string usage_failure_message(const CLI::App* top, const CLI::Error& error) {
  return fmt::format("rosterd: {}\n", describe(*top, error));
}

CLI::Validator count_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::int64_t value = 0;
        const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (digits_only && problem == std::errc::result_out_of_range) {
          return fmt::format("takes 0 or a positive whole number, got {} (too large)", core::plain_or_quoted(text));
        }
        if (!digits_only || problem != std::errc{} || end != text.data() + text.size()) {
          return fmt::format("takes 0 or a positive whole number, got {}", core::plain_or_quoted(text));
        }
        return {};
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> choices) {
  std::string description = "{";
  for (const auto& choice : choices) description += (description.size() > 1 ? "," : "") + choice;
  description += "}";
  return CLI::Validator(
      [choices = std::move(choices)](std::string& text) -> std::string {
        for (const auto& choice : choices) {
          if (text == choice) return {};
        }
        std::string problem = fmt::format("takes {}, got {}", listed(choices), core::plain_or_quoted(text));
        if (auto match = config::closest_match(text, choices)) problem += fmt::format("; did you mean {}?", *match);
        return problem;
      },
      description);
}

}  // namespace rosterd::cli
