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

#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "model/user.hpp"
#include "store/database.hpp"

namespace rosterd::cli {

// `json` (JSON text or plain text) with DEL, the C1 controls and the Unicode
// bidirectional controls written as \uXXXX. Inside JSON strings (the only place
// valid JSON can hold them) the result is equivalent JSON.
std::string terminal_safe(std::string_view json);

// `text` as a JSON string literal, terminal-safe.
std::string json_quoted(std::string_view text);

// A value of the changes table for a terminal: `null`, a quoted text column, or the
// stored JSON of active (1/0), portfolios, attributes.<key> and whole-record snapshots.
std::string display_value(const std::optional<std::string>& field, const std::optional<std::string>& value);

// `text` as is when it is plain (no space, quote, backslash, parenthesis, control
// or unsafe character), else json_quoted(): for names such as attribute keys.
std::string plain_or_quoted(std::string_view text);

// `text` as is unless it holds a control or unsafe character, is empty, starts
// with a quote or has spaces at either end: for table cells.
std::string printable(std::string_view text);

// " (label)", quoted unless it is plain; empty without a label.
std::string label_part(const std::optional<std::string>& label);

// "24h", "90m", "7d" (that long before `now`) or a timestamp (core::parse_timestamp),
// as a stored-format timestamp; nullopt when it is neither.
std::optional<std::string> parse_moment(std::string_view text, core::SystemTime now);

// One RFC 4180 field: quoted (quotes doubled) when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view text);

// Writes `text` to stdout as is.
void print(std::string_view text);

// The user columns as JSON members (inside an open object): text columns as
// strings or null, active as 1/0/null (as stored), attributes as an object,
// portfolios as an array or null.
void write_user_members(core::JsonWriter& out, const model::User& user);

// Opens the database for reading (open_database_for_reading) and runs `report` on
// it. Errors become messages on stderr and an exit status: configuration 2,
// database (cannot open, not a rosterd database, unreadable rows) 1.
int run_report(const GlobalOptions& global, const std::optional<std::string>& database,
               const std::function<int(store::Database&)>& report);

}  // namespace rosterd::cli
