#pragma once
// What a run reports of its changes while it writes them (or, in a dry run, instead
// of writing them): each change is counted by kind and described by one line. A
// real run logs the first k_max_logged_changes lines after its commit and the count
// of the rest; a dry run prints every line. First fills are counted, printed in a
// dry run, and summed up in one line after a real run's commit.
//
// A large run checks for a stop every 1024 changes and throws Interrupted, so that
// shutdown never waits for a long write to finish: the transaction rolls back.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "store/runs.hpp"
#include "sync/change_lines.hpp"
#include "sync/plan.hpp"

namespace rosterd::sync {

using LineSink = std::function<void(const std::string&)>;

// Thrown inside the write transaction when a stop is requested.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted: rosterd is stopping; the run was rolled back") {}
};

class ChangeReport {
 public:
  // `dry_run_output` is null for a real run; otherwise it receives every line.
  ChangeReport(std::string_view source, store::RunCounts& counts, const LineSink* dry_run_output, std::stop_token stop);

  // A change of a record's history. `line()` is called only when the line is kept.
  template <class Line>
  void change(ChangeKind kind, Line&& line) {
    count(kind);
    if (m_dry_run_output != nullptr) {
      (*m_dry_run_output)(line());
      return;
    }
    if (kind == ChangeKind::filled) return;
    ++m_total;
    if (m_lines.size() < k_max_logged_changes) m_lines.push_back(line());
  }

  // A change of live state (an agent's status): counted; its line is printed in a
  // dry run and logged at debug level after a real run's commit.
  template <class Line>
  void state_change(ChangeKind kind, Line&& line) {
    count(kind);
    if (m_dry_run_output != nullptr) {
      (*m_dry_run_output)(line());
    } else {
      m_state_lines.push_back(line());
    }
  }

  // A record found as stored.
  void unchanged() {
    check_stop();
    ++m_counts.unchanged;
  }

  // After a real run's commit: the kept lines, the count of the rest, the fills.
  void log() const;

 private:
  void count(ChangeKind kind);
  void check_stop();

  std::string m_source;
  store::RunCounts& m_counts;
  const LineSink* m_dry_run_output;
  std::stop_token m_stop;
  std::uint64_t m_seen = 0;
  std::int64_t m_total = 0;  // changes of history (fills aside)
  std::vector<std::string> m_lines;
  std::vector<std::string> m_state_lines;
};

}  // namespace rosterd::sync
