#pragma once
// What `rosterd demo` prints about its sync rounds, from the runs the rounds recorded
// in the database (sync_runs), so that it reports what rosterd did, not what the demo
// meant the vendors to do.

#include <map>
#include <string>
#include <vector>

#include "store/runs.hpp"

namespace rosterd::cli {

// The latest run of every (source, dataset) in `database`: after a round of
// `rosterd sync`, that round's runs. Opens the database read-only. Throws
// store::StoreError.
std::vector<store::RunRecord> latest_runs_in(const std::string& database);

// One line per source, "  acme-dialer    CrocoDial    40 users, 6 portfolios added",
// and a line for each run that did not end `ok`. `labels`: source name -> vendor name.
std::string added_per_source(const std::vector<store::RunRecord>& runs,
                             const std::map<std::string, std::string>& labels);

// "1 added, 3 updated, 1 removed" over all `runs` ("no changes" when none).
std::string change_totals(const std::vector<store::RunRecord>& runs);

// `text` as one shell word: as is when it holds only characters no shell treats
// specially, else in single quotes.
std::string shell_word(const std::string& text);

}  // namespace rosterd::cli
