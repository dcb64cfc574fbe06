#pragma once
// Per-user datasets: one vendor call per user (user_stats for every listed user,
// agent_status for every active one). A failure that concerns one user does not
// throw away the others: the run commits what succeeded and ends 'partial', naming
// the users that failed.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "sources/source.hpp"
#include "store/records.hpp"
#include "store/runs.hpp"
#include "sync/dataset_run.hpp"

namespace rosterd::sync {

std::unique_ptr<DatasetRun> start_user_stats(const DatasetInputs& inputs);
std::unique_ptr<DatasetRun> start_agent_status(const DatasetInputs& inputs);

// The results and failures of a run's per-user calls, from several threads.
template <class Result>
class CollectingSink final : public sources::PerUserSink<Result> {
 public:
  void result(const sources::UserRef& user, Result&& value) override {
    std::lock_guard lock(m_mutex);
    results.emplace_back(user, std::move(value));
    m_count.fetch_add(1, std::memory_order_relaxed);
  }
  void failure(const sources::UserRef& user, const core::Error& error) override {
    std::lock_guard lock(m_mutex);
    failures.emplace_back(user, error);
  }
  // Results so far; safe while calls are still made.
  [[nodiscard]] std::int64_t count() const { return m_count.load(std::memory_order_relaxed); }

  // Read only after the fetch returned (no more calls).
  std::vector<std::pair<sources::UserRef, Result>> results;
  std::vector<std::pair<sources::UserRef, core::Error>> failures;

 private:
  std::mutex m_mutex;
  std::atomic<std::int64_t> m_count{0};
};

// The users of the source's listing to call for (the active ones only when asked).
std::vector<sources::UserRef> user_refs(const std::vector<store::ListedUser>& listed, bool active_only);

// The plan's status and error once every call returned: ok; partial with some
// failures; failed when every call failed. The error names the first users that
// failed ("2 of 40 users failed: jdoe: <why>; asmith: <why>"), redacted.
template <class Result>
void settle(PlanResult& plan, const CollectingSink<Result>& sink, std::size_t asked);
void settle(PlanResult& plan, std::size_t results,
            const std::vector<std::pair<sources::UserRef, core::Error>>& failures, std::size_t asked);

template <class Result>
void settle(PlanResult& plan, const CollectingSink<Result>& sink, std::size_t asked) {
  settle(plan, sink.results.size(), sink.failures, asked);
}

}  // namespace rosterd::sync
