#pragma once
// Vendor text shown to people (log lines, dry runs, the reporting commands) can
// hold anything: a newline, an escape sequence, a right-to-left override would
// forge or garble a line. These functions write such text so that what a person
// reads is what is stored.

#include <string>
#include <string_view>

namespace rosterd::core {

// `json` (JSON text or plain text) with DEL, the C1 controls and the Unicode
// bidirectional controls written as \uXXXX. Inside JSON strings (the only place
// valid JSON can hold them) the result is equivalent JSON.
std::string terminal_safe(std::string_view json);

// `text` as a JSON string literal, terminal-safe.
std::string json_quoted(std::string_view text);

// `text` as is when it is plain (no space, quote, backslash, parenthesis, control
// or unsafe character), else json_quoted(): for names and labels.
std::string plain_or_quoted(std::string_view text);

// `text` as is unless it holds a control or unsafe character, is empty, starts
// with a quote or has spaces at either end: for table cells.
std::string printable(std::string_view text);

}  // namespace rosterd::core
