#include "cli/roff.hpp"

namespace rosterd::cli::roff {

std::string text(std::string_view plain) {
  std::string out;
  bool line_start = true;
  for (const char c : plain) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out.push_back(c);
    }
    line_start = c == '\n';
  }
  return out;
}

std::string bold(std::string_view plain) { return "\\fB" + text(plain) + "\\fR"; }

std::string italic(std::string_view plain) { return "\\fI" + text(plain) + "\\fR"; }

std::string paragraph(std::string_view plain) { return ".PP\n" + text(plain) + "\n"; }

std::string tagged(std::string_view tag, std::string_view body) {
  return ".TP\n" + std::string(tag) + "\n" + text(body) + "\n";
}

}  // namespace rosterd::cli::roff
