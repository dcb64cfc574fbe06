// rosterd(8): the commands and their options from the CLI11 definitions (command_table),
// around the sections written here by hand.

#include <fmt/format.h>

#include "cli/command_table.hpp"
#include "cli/reference_pages.hpp"
#include "cli/roff.hpp"

namespace rosterd::cli {
namespace {

// "\fB\-\-source\fR \fINAME\fR", "\fB\-h\fR, \fB\-\-help\fR", "\fIPATH\fR".
std::string option_tag(const OptionInfo& option) {
  if (option.positional) return roff::italic(option.names.front());
  std::string tag;
  for (const auto& name : option.names) tag += (tag.empty() ? "" : ", ") + roff::bold(name);
  if (!option.takes_value) return tag;
  if (option.choices.empty()) return tag + " " + roff::italic(option.value);
  std::string choices;
  for (const auto& choice : option.choices) choices += (choices.empty() ? "" : "|") + roff::italic(choice);
  return tag + " " + choices;
}

// The option as a synopsis shows it: "[\fB\-\-source\fR \fINAME\fR]...".
std::string synopsis_word(const OptionInfo& option) {
  OptionInfo shortest = option;
  if (!option.positional) shortest.names = {option.names.back()};
  std::string word = option_tag(shortest);
  if (!option.required) word = "[" + word + "]";
  return option.repeatable ? word + "..." : word;
}

std::string option_list(const std::vector<OptionInfo>& options) {
  std::string out;
  for (const auto& option : options) {
    std::string body = option.description;
    if (option.required && !option.positional) body += " (required)";
    out += roff::tagged(option_tag(option), body);
  }
  return out;
}

constexpr std::string_view k_rosterd_description = R"(.SH DESCRIPTION
For every configured source (one tenant of one vendor), \fBrosterd\fR fetches the
vendor's complete user listing (and portfolios, profiles, campaigns where the vendor has
them), normalizes it, and writes what changed in one transaction with its full history:
every version of every user, every field change, and one row per run.
A run that fails at any step writes nothing but its run row saying why.
The database is a SQLite file (the default), or a PostgreSQL database that several
\fBrosterd run\fR processes on several hosts may share.
.PP
\fBrosterd run\fR is the daemon, started by the unit \fIrosterd.service\fR;
\fBrosterd sync\fR runs every configured dataset once.
\fBstatus\fR, \fBhistory\fR, \fBchanges\fR and \fBusers\fR only read the database, and
\fBbackup\fR copies it; they can run beside the daemon.
The configuration file is described in \fBrosterd.yaml\fR(5).
Mistakes on the command line are one line on standard error naming the command, what was
wrong and the closest command or option when a name was mistyped.
Logs go to standard error: with a UTC timestamp on a terminal, with syslog priority
prefixes under systemd.
)";

constexpr std::string_view k_after_commands = R"(.SH EXIT STATUS
.TP
.B 0
Success.
.TP
.B 1
A source failed or was refused (the mass-removal guard), the latest run of a configured
dataset did not succeed (\fBstatus\fR), the database could not be opened, read or written,
or a backup could not be made.
.TP
.B 2
A usage or configuration error: the command line or the configuration file is wrong
(nothing was run), or a command refused to replace or change data it did not create.
.SH SIGNALS
For \fBrosterd run\fR:
.TP
.BR SIGTERM ", " SIGINT
Stop within 5 seconds: runs in progress are cancelled, rolled back and recorded as
\fIinterrupted\fR, which is not a failure; the exit status is 0.
.TP
.B SIGHUP
Reload the configuration: added sources start, removed ones stop being scheduled, changed
ones take their new settings at their next run.
An invalid file is rejected with a log line, and the previous configuration keeps running.
A changed \fBdatabase\fR needs a restart; so do changed credentials, which systemd hands
over once, at start.
.SH FILES
.TP
.I /etc/rosterd/rosterd.yaml
The configuration (\fBrosterd.yaml\fR(5)): root:rosterd, mode 0640.
.TP
.I /etc/rosterd/credentials/
One file per secret, root only; the unit hands each to rosterd as the systemd credential
\fIvendor_<file name>\fR.
.TP
.I /var/lib/rosterd/roster.db
The SQLite database of the bundled unit, with its \fI\-wal\fR and \fI\-shm\fR files and
\fIroster.db.lock\fR, the run locks (never remove it while rosterd runs).
.TP
.I rosterd.service
The systemd unit (\fIlib/systemd/system\fR under the installation prefix), with the
sysusers.d and tmpfiles.d files \fIrosterd.conf\fR that create the user and group
\fBrosterd\fR and the credentials directory.
.TP
.I share/doc/rosterd/README.md
Under the installation prefix: the whole manual, with the database's reference in
\fIdocs/schema.md\fR and an example configuration in \fIconfig/rosterd.example.yaml\fR.
.TP
.I share/rosterd/definitions/
Under the installation prefix: the shipped definitions of the \fBrest\fR source type.
.SH ENVIRONMENT
.TP
.B ROSTERD_CONFIG
The configuration file when \fB\-\-config\fR is not given (default
\fI/etc/rosterd/rosterd.yaml\fR).
.TP
.B CREDENTIALS_DIRECTORY
Where \fB${credential:NAME}\fR in the configuration is read from (systemd's
\fBLoadCredential=\fR sets it).
.TP
.B NOTIFY_SOCKET
Set by systemd for \fBType=notify\fR: \fBrosterd run\fR then sends READY=1, STATUS=,
WATCHDOG=1, RELOADING=1 and STOPPING=1.
.TP
.B JOURNAL_STREAM
When it names standard error, log lines carry syslog priority prefixes instead of a
timestamp.
.TP
.BR PGPASSFILE ", " PGHOST ", ..."
libpq's variables, for a PostgreSQL database whose URI leaves them out.
.SH SEE ALSO
.BR rosterd.yaml (5),
.BR systemd.service (5),
.BR systemd-sysusers (8),
.BR systemd-tmpfiles (8),
.BR sqlite3 (1),
.BR pg_dump (1)
)";

}  // namespace

std::string rosterd_8(const CLI::App& top, std::string_view version) {
  const auto line = describe_command_line(top);
  std::string page = fmt::format(".TH ROSTERD 8 \"\" \"rosterd {}\" \"System Administration\"\n", version);
  page += ".nh\n.ad l\n";  // paths and option names are neither hyphenated nor stretched
  page += ".SH NAME\nrosterd \\- keep a database in step with the user directories of vendor APIs\n";
  page += ".SH SYNOPSIS\n.nf\n";
  std::string globals;
  for (const auto& option : line.global_options) globals += " " + synopsis_word(option);
  page += roff::bold("rosterd") + globals + " " + roff::italic("command") + " [" + roff::italic("options") + "]\n";
  for (const auto& command : line.commands) {
    std::string words;
    for (const auto& option : command.options) words += " " + synopsis_word(option);
    page += roff::bold("rosterd " + command.name) + words + "\n";
  }
  page += ".fi\n";
  page += k_rosterd_description;
  page += ".SH COMMANDS\n";
  for (const auto& command : line.commands) {
    page += ".SS \"rosterd " + roff::text(command.name) + "\"\n" + roff::text(command.description) + ".\n";
    page += option_list(command.options);
  }
  page += ".SH GLOBAL OPTIONS\nEvery command takes them.\n";
  page += option_list(line.global_options);
  page += k_after_commands;
  return page;
}

}  // namespace rosterd::cli
