#pragma once
// Printing what the reporting commands (history, changes, users) read. Vendor text
// can hold anything: a name with a newline, an escape sequence or a right-to-left
// override would otherwise forge or garble terminal lines. Text values are printed
// JSON-quoted, and every output (JSON included) escapes the characters a terminal
// acts on or reorders by, so what an auditor reads is what is stored.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/root.hpp"
#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "core/display_text.hpp"
#include "core/json_writer.hpp"
#include "model/change_display.hpp"
#include "model/user.hpp"
#include "store/database.hpp"

namespace rosterd::cli {

// Display helpers shared with the change log (core/display_text, model/change_display).
using core::json_quoted;
using core::plain_or_quoted;
using core::printable;
using core::terminal_safe;
using model::display_value;
using model::label_part;

// "24h", "90m", "7d" (that long before `now`) or a timestamp (core::parse_timestamp),
// as a stored-format timestamp; nullopt when it is neither.
std::optional<std::string> parse_moment(std::string_view text, core::SystemTime now);

// One RFC 4180 field: quoted (quotes doubled) when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

// `text` for a spreadsheet cell: a leading single quote when it starts with `=`, `+`,
// `-`, `@`, a tab or a carriage return, which Excel, LibreOffice and Google Sheets
// would read as a formula (CSV injection; OWASP's advice). Vendor text is anyone's.
std::string spreadsheet_safe(std::string_view text);

// Writes `text` to stdout as is.
void print(std::string_view text);

// The user columns as JSON members (inside an open object): text columns as
// strings or null, active as 1/0/null (as stored), attributes as an object,
// portfolios as an array or null.
void write_user_members(core::JsonWriter& out, const model::User& user);

// Opens the database for reading (open_database_for_reading) and runs `report` on
// it. Errors become messages on stderr and an exit status: configuration 2,
// database (cannot open, not a rosterd database, unreadable rows) 1.
int run_report(const GlobalOptions& global, const app::Root& root, const std::optional<std::string>& database,
               const std::function<int(store::Database&)>& report);

}  // namespace rosterd::cli
