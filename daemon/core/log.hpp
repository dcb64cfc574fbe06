#pragma once
// Logging: one spdlog logger writing to stderr (or stdout, see set_log_stream). Under systemd (JOURNAL_STREAM names
// our stderr) lines carry a syslog priority prefix ("<6>") and no timestamp, since
// the journal adds its own; on a terminal they carry a UTC timestamp and level.
// Every line passes through the secret registry before it is written.

#include <optional>
#include <string_view>

#include <spdlog/logger.h>

namespace rosterd::core {

enum class LogLevel { trace, debug, info, warn, error };

std::optional<LogLevel> parse_log_level(std::string_view text);

enum class LogFormat { automatic, terminal, journal };

void init_logging(LogLevel level, LogFormat format = LogFormat::automatic);
void set_log_level(LogLevel level);

// Where log lines go: stderr, the default, which services and scripts expect; or stdout,
// for `rosterd demo`, whose log lines are its output, between headings it prints there.
// The choice holds for the process: init_logging() keeps it. With stdout, `automatic`
// means the terminal format.
enum class LogStream { standard_error, standard_output };
void set_log_stream(LogStream stream);

// The process logger. Lines about a source start with "<source>: ".
spdlog::logger& log();

// True when stderr is the journal stream systemd gave us.
bool stderr_is_journal();

}  // namespace rosterd::core
