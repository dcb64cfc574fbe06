#include "cli/demo_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "store/database.hpp"

namespace rosterd::cli {
namespace {

// "1 user", "40 users": dataset names are plural nouns.
std::string counted(std::int64_t count, const std::string& plural) {
  const bool one = count == 1 && !plural.empty() && plural.back() == 's';
  return fmt::format("{} {}", count, one ? plural.substr(0, plural.size() - 1) : plural);
}

}  // namespace

std::vector<store::RunRecord> latest_runs_in(const std::string& database) {
  return store::open(database, store::OpenMode::read_only)->latest_runs();
}

std::string added_per_source(const std::vector<store::RunRecord>& runs,
                             const std::map<std::string, std::string>& labels) {
  std::map<std::string, std::vector<std::string>> added;  // source -> "40 users", ...
  std::string problems;
  auto ordered = runs;  // users first, then the other datasets by name
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return (a.dataset != "users") < (b.dataset != "users"); });
  for (const auto& run : ordered) {
    added[run.source].push_back(counted(run.counts.added, run.dataset));
    if (run.status != store::RunStatus::ok) {
      problems += fmt::format("  {} {}: {}: {}\n", run.source, run.dataset, store::to_string(run.status),
                              run.error.value_or("no error recorded"));
    }
  }
  std::string out;
  for (const auto& [source, parts] : added) {
    std::string list;
    for (const auto& part : parts) list += (list.empty() ? "" : ", ") + part;
    const auto label = labels.find(source);
    out += fmt::format("  {:<15} {:<12} {} added\n", source, label == labels.end() ? "" : label->second, list);
  }
  return out + problems;
}

std::string change_totals(const std::vector<store::RunRecord>& runs) {
  store::RunCounts sum;
  for (const auto& run : runs) {
    sum.added += run.counts.added;
    sum.updated += run.counts.updated;
    sum.removed += run.counts.removed;
    sum.restored += run.counts.restored;
  }
  std::string out;
  for (const auto& [count, what] : {std::pair{sum.added, "added"}, std::pair{sum.updated, "updated"},
                                    std::pair{sum.removed, "removed"}, std::pair{sum.restored, "restored"}}) {
    if (count > 0) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", count, what);
  }
  return out.empty() ? "no changes" : out;
}

std::string shell_word(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./,:@%+=").find(c) != std::string_view::npos;
  });
  if (plain) return text;
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace rosterd::cli
