#pragma once
// Writing man pages (roff with the man macros, man(7)) from rosterd's own tables: the
// command line (man_rosterd.cpp) and the configuration's keys (man_rosterd_yaml.cpp).

#include <string>
#include <string_view>

namespace rosterd::cli::roff {

// Text as roff prints it literally: a backslash as \e, every hyphen as \- (a hyphen-minus
// that copies and searches as typed: option names, paths), and a dot or quote that would
// start a request protected with \&.
std::string text(std::string_view plain);

// Bold and italic runs: "\fB...\fR", "\fI...\fR", the text escaped.
std::string bold(std::string_view plain);
std::string italic(std::string_view plain);

// A paragraph of `plain` after .PP, escaped.
std::string paragraph(std::string_view plain);

// A tagged paragraph: .TP, `tag` (already roff) on its own line, then `body` escaped.
std::string tagged(std::string_view tag, std::string_view body);

}  // namespace rosterd::cli::roff
