#pragma once
// rosterd's metrics (families.hpp) from what it does and what its database holds:
// count_run() after each run of this process; collect_state() at each scrape (and for
// the textfile), from the database every process sharing it writes to.

#include <map>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "metrics/registry.hpp"
#include "model/dataset.hpp"
#include "store/database.hpp"
#include "sync/runner.hpp"

namespace rosterd::metrics {

// Gives every counter of each configured (source, dataset) its series at 0, so that a
// rate or an increase is right from the first scrape (Prometheus cannot tell a series that
// appears at 1 from one that was always 1).
void declare_sources(Registry& registry, const config::Config& config);

// Counts one run that ran (not one deferred because another process ran the source).
void count_run(Registry& registry, std::string_view source, const model::Dataset& dataset,
               const sync::RunOutcome& outcome);

// The gauges read from the database and the configuration: last run, last success and
// last status of each configured (source, dataset), users per source, the database's
// size, the intervals, the version. Users are counted again only for a source whose
// users run changed since the last collection (a count over a million users is not free).
class StateCollector {
 public:
  // Throws store::StoreError when the database cannot be read.
  void collect(Registry& out, store::Database& db, const config::Config& config);

 private:
  struct Counted {
    std::int64_t run_id = 0;  // the users run the totals were counted after
    store::UserTotals totals;
  };
  std::map<std::string, Counted, std::less<>> m_users;
};

}  // namespace rosterd::metrics
