// `rosterd status`: per source and dataset, the last run, a run in progress and
// the next due time, as an aligned table or (--json) an array of objects whose
// keys README.md documents. Only reads the database.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/app_context.hpp"
#include "cli/commands.hpp"
#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "core/secrets.hpp"
#include "core/timestamp.hpp"
#include "store/database.hpp"

namespace rosterd::cli {
namespace {

struct StatusOptions {
  bool json = false;
  std::optional<std::string> database;  // --database
};

struct StatusRow {
  store::DatasetStatus state;
  std::optional<bool> configured;  // nullopt: no configuration was read
};

// What the command works from: the database's rows and, when a configuration was
// read, the configured (source, dataset) pairs.
struct StatusInput {
  std::string database_path;
  std::vector<store::DatasetStatus> states;
  std::optional<config::Config> config;
};

constexpr std::size_t k_table_error_chars = 100;

// Failures while reading (a damaged file, I/O, a lock held past the busy timeout)
// are StoreErrors that name the database and what to do.
std::vector<store::DatasetStatus> load_states(store::Database& db) {
  auto states = db.dataset_status();
  db.check_read();
  return states;
}

// Only --database: the database alone, unless --config names a file too. Otherwise
// the configuration names the database; one that does not exist yet has no runs,
// so every configured pair shows as never run.
StatusInput read_input(const GlobalOptions& global, const app::Root& root, const StatusOptions& options) {
  StatusInput input;
  if (!options.database || global.config_path) input.config = load_configuration(global, root);
  if (options.database) {
    auto db = open_database_for_reading(global, root, options.database);
    input.database_path = db->path();
    input.states = load_states(*db);
    return input;
  }
  const auto& location = input.config->database;
  input.database_path = store::display_location(location);
  // A missing file in an existing directory: nothing ran yet. A missing directory
  // or one this user may not enter is an error: `rosterd run` could not start.
  if (!store::database_exists(location)) return input;
  // open_database_for_reading() would load the configuration a second time.
  const auto db = root.open_store(location, app::StoreAccess::read_only);
  input.states = load_states(*db);
  return input;
}

std::vector<StatusRow> merge_rows(StatusInput input) {
  std::map<std::pair<std::string, std::string>, StatusRow> rows;
  for (auto& state : input.states) {
    auto& row = rows[{state.source, state.dataset}];
    row.state = std::move(state);
  }
  if (input.config) {
    for (auto& [key, row] : rows) row.configured = false;
    for (const auto& source : input.config->sources) {
      for (const auto& dataset : source.datasets) {
        auto& row = rows[{source.name, dataset}];
        row.state.source = source.name;
        row.state.dataset = dataset;
        row.configured = true;
      }
    }
  }
  std::vector<StatusRow> out;
  for (auto& [key, row] : rows) out.push_back(std::move(row));
  return out;
}

// Exit status 1 when the latest run of a listed pair did not succeed. A run stopped
// by SIGTERM (a planned stop or restart) is not a failure: it changed nothing and the
// next run takes its place. Pairs the configuration no longer has do not count: a
// removed source's last failure would otherwise fail monitoring for ever.
bool any_unsuccessful(const std::vector<StatusRow>& rows) {
  return std::any_of(rows.begin(), rows.end(), [](const StatusRow& row) {
    if (row.configured == false || !row.state.last_run) return false;
    const auto status = row.state.last_run->status;
    return status != store::RunStatus::ok && status != store::RunStatus::interrupted;
  });
}

// --- time as people read it ---------------------------------------------------

// "7h", "7h5m".
std::string two_units(std::int64_t big, char big_unit, std::int64_t small, char small_unit) {
  return small == 0 ? fmt::format("{}{}", big, big_unit) : fmt::format("{}{}{}{}", big, big_unit, small, small_unit);
}

// "40s", "3m", "2h5m", "1d4h": at most two units, rounded down.
std::string amount(std::chrono::seconds span) {
  const auto s = span.count();
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m", s / 60);
  if (s < 86'400) return two_units(s / 3600, 'h', s % 3600 / 60, 'm');
  return two_units(s / 86'400, 'd', s % 86'400 / 3600, 'h');
}

std::string relative(core::SystemTime when, core::SystemTime now) {
  const auto span = std::chrono::duration_cast<std::chrono::seconds>(when - now);
  if (span.count() == 0) return "just now";
  return span.count() > 0 ? "in " + amount(span) : amount(-span) + " ago";
}

// "2026-03-01T09:00:00Z": the stored form without milliseconds.
std::string iso_seconds(core::SystemTime time) {
  auto iso = core::format_timestamp(time);
  if (iso.size() == 24 && iso[19] == '.') iso.erase(19, 4);
  return iso;
}

// "2026-03-01T09:00:00Z (3m ago)"; stored text that does not parse is shown as it is.
std::string when(const std::string& stored, core::SystemTime now) {
  const auto time = core::parse_timestamp(stored);
  if (!time) return stored;
  return fmt::format("{} ({})", iso_seconds(*time), relative(*time, now));
}

std::optional<std::int64_t> duration_ms(const store::RunRecord& run) {
  if (!run.finished_at) return std::nullopt;
  const auto started = core::parse_timestamp(run.started_at);
  const auto finished = core::parse_timestamp(*run.finished_at);
  if (!started || !finished) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*finished - *started).count();
}

std::string took(const store::RunRecord& run) {
  const auto ms = duration_ms(run);
  if (!ms) return "-";
  if (*ms < 1000) return fmt::format("{}ms", *ms);
  if (*ms < 60'000) return fmt::format("{:.1f}s", static_cast<double>(*ms) / 1000.0);
  return amount(std::chrono::seconds{*ms / 1000});
}

// --- table ----------------------------------------------------------------------

std::string next_run(const StatusRow& row, core::SystemTime now) {
  const auto& s = row.state;
  if (s.running_now) {
    const auto since = s.running_since ? core::parse_timestamp(*s.running_since) : std::nullopt;
    std::string detail;
    if (since) detail = "started " + relative(*since, now);
    if (s.running_progress) {
      detail += fmt::format("{}{} records, {} requests so far", detail.empty() ? "" : "; ", s.running_progress->fetched,
                            s.running_progress->requests);
    }
    return detail.empty() ? "running now" : "running now (" + detail + ")";
  }
  if (s.schedule && s.daemon_alive && s.schedule->next_due_at) return when(*s.schedule->next_due_at, now);
  if (row.configured == false) return "not configured";
  if (s.schedule && !s.daemon_alive) return "rosterd run is not running";
  return "not scheduled";
}

// One line: whitespace runs become one space; longer than `limit` ends in "...".
std::string shortened(const std::string& text, std::size_t limit) {
  std::string flat;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
    if (!space) {
      flat.push_back(c);
    } else if (!flat.empty() && flat.back() != ' ') {
      flat.push_back(' ');
    }
  }
  if (flat.size() <= limit) return flat;
  return flat.substr(0, limit - 3) + "...";
}

struct TableLine {
  std::vector<std::string> cells;
  std::vector<std::string> notes;  // printed indented below the line
};

TableLine table_line(const StatusRow& row, core::SystemTime now) {
  const auto& s = row.state;
  TableLine line;
  if (s.last_run) {
    const auto& run = *s.last_run;
    const auto& c = run.counts;
    line.cells = {s.source, s.dataset, when(run.started_at, now), std::string(store::to_string(run.status)), took(run)};
    for (auto n : {c.fetched, c.added, c.updated, c.removed, c.restored, c.unchanged, c.requests}) {
      line.cells.push_back(std::to_string(n));
    }
    if (run.error) line.notes.push_back("error: " + shortened(core::secrets().redact(*run.error), k_table_error_chars));
  } else {
    line.cells = {s.source, s.dataset, "never run", "-", "-", "-", "-", "-", "-", "-", "-", "-"};
  }
  line.cells.push_back(next_run(row, now));
  if (row.configured == false) line.notes.emplace_back("not in the configuration");
  return line;
}

void print_table(const std::string& database, const std::vector<StatusRow>& rows, core::SystemTime now) {
  std::printf("database %s, now %s\n", database.c_str(), iso_seconds(now).c_str());
  if (rows.empty()) {
    std::printf("no runs recorded\n");
    return;
  }
  const std::vector<std::string> headers{"SOURCE",  "DATASET", "LAST RUN", "OUTCOME",   "TOOK",     "FETCHED", "ADDED",
                                         "UPDATED", "REMOVED", "RESTORED", "UNCHANGED", "REQUESTS", "NEXT RUN"};
  constexpr std::size_t k_first_number = 5;
  constexpr std::size_t k_last_number = 11;
  std::vector<TableLine> lines{{headers, {}}};
  for (const auto& row : rows) lines.push_back(table_line(row, now));
  std::vector<std::size_t> widths(headers.size(), 0);
  for (const auto& line : lines) {
    for (std::size_t i = 0; i < line.cells.size(); ++i) widths[i] = std::max(widths[i], line.cells[i].size());
  }
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t i = 0; i < line.cells.size(); ++i) {
      const auto& cell = line.cells[i];
      const std::string pad(widths[i] - cell.size(), ' ');
      const bool number = i >= k_first_number && i <= k_last_number;
      const bool last = i + 1 == line.cells.size();
      text += number ? pad + cell : (last ? cell : cell + pad);
      // Numbers are right-aligned under their headers: one space between them is enough.
      if (!last) text += i >= k_first_number && i < k_last_number ? " " : "  ";
    }
    std::printf("%s\n", text.c_str());
    for (const auto& note : line.notes) std::printf("%*s%s\n", static_cast<int>(widths[0] + 2), "", note.c_str());
  }
}

// --- JSON -----------------------------------------------------------------------

void write_last_run(core::JsonWriter& w, const store::RunRecord& run) {
  w.begin_object();
  w.key("id").value(run.id);
  w.key("status").value(store::to_string(run.status));
  w.key("started_at").value(run.started_at);
  w.key("finished_at").value(run.finished_at);
  w.key("duration_ms");
  if (const auto ms = duration_ms(run)) {
    w.value(*ms);
  } else {
    w.null();
  }
  const auto& c = run.counts;
  w.key("fetched").value(c.fetched).key("added").value(c.added).key("updated").value(c.updated);
  w.key("removed").value(c.removed).key("restored").value(c.restored).key("unchanged").value(c.unchanged);
  w.key("requests").value(c.requests).key("bytes").value(c.bytes).key("filled").value(c.filled);
  w.key("error");
  if (run.error) {
    w.value(core::secrets().redact(*run.error));
  } else {
    w.null();
  }
  w.end_object();
}

void write_schedule(core::JsonWriter& w, const store::ScheduleRow& schedule, bool daemon_alive) {
  w.begin_object();
  w.key("daemon_pid").value(schedule.pid);
  w.key("daemon_running").value(daemon_alive);
  w.key("interval_ms").value(schedule.interval_ms);
  w.key("next_due_at").value(schedule.next_due_at);
  w.key("consecutive_failures").value(schedule.consecutive_failures);
  w.key("updated_at").value(schedule.updated_at);
  w.end_object();
}

void print_json(const std::vector<StatusRow>& rows) {
  core::JsonWriter w;
  w.begin_array();
  for (const auto& row : rows) {
    const auto& s = row.state;
    w.begin_object();
    w.key("source").value(s.source);
    w.key("dataset").value(s.dataset);
    w.key("configured");
    if (row.configured) {
      w.value(*row.configured);
    } else {
      w.null();
    }
    w.key("last_run");
    if (s.last_run) {
      write_last_run(w, *s.last_run);
    } else {
      w.null();
    }
    w.key("running_now").value(s.running_now);
    w.key("running_since").value(s.running_since);
    w.key("running_progress");
    if (s.running_progress) {
      w.begin_object().key("fetched").value(s.running_progress->fetched);
      w.key("requests").value(s.running_progress->requests).key("bytes").value(s.running_progress->bytes).end_object();
    } else {
      w.null();
    }
    w.key("schedule");
    if (s.schedule) {
      write_schedule(w, *s.schedule, s.daemon_alive);
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
  std::printf("%s\n", w.str().c_str());
}

// Reports a program other than rosterd that holds the database's write lock; whether
// there is one.
bool foreign_writer_reported(const std::string& database) {
  const auto holder = store::foreign_write_lock_holder(database);
  if (!holder) return false;
  print_error(fmt::format("{}: {}: runs cannot write to the database (nor record that they failed) until it "
                          "ends its transaction",
                          database, *holder));
  return true;
}

int status_command(const GlobalOptions& global, const app::Root& root, const StatusOptions& options) {
  StatusInput input;
  try {
    input = read_input(global, root, options);
  } catch (const config::ConfigError& e) {
    print_error(e.what());
    return k_exit_usage;
  } catch (const store::StoreError& e) {
    print_error(e.what());
    return k_exit_failed;
  }
  const auto database = input.database_path;
  const auto rows = merge_rows(std::move(input));
  if (options.json) {
    print_json(rows);
  } else {
    print_table(database, rows, core::system_clock().now());
  }
  // Another program holding the write lock (someone's sqlite3 in a transaction) makes
  // every run fail until it lets go, and no failed run can be recorded meanwhile: say so.
  const bool blocked = foreign_writer_reported(database);
  return any_unsuccessful(rows) || blocked ? k_exit_failed : k_exit_ok;
}

}  // namespace

Command add_status_command(CLI::App& parent, const GlobalOptions& global, const app::Root& root) {
  auto options = std::make_shared<StatusOptions>();
  auto* app = parent.add_subcommand("status", "Show each source's last run, outcome and next due time");
  app->add_flag("--json", options->json, "Print a JSON array (keys documented in README.md)");
  app->add_option("--database", options->database,
                  "Read this database; without --config, show only what the database knows")
      ->type_name("DATABASE");
  return {app, [&global, &root, options] { return status_command(global, root, *options); }};
}

}  // namespace rosterd::cli
