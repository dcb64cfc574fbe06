#pragma once
// One thread per run in progress. A run mostly waits on its vendor, and waits
// holding no concurrency slot (run_slots.hpp): a thread of its own lets it wait
// without holding back the others. A source never has two runs in progress, so
// there are at most as many run threads as sources (a per-user fetch adds its own,
// at most its source's `concurrency`, while it lasts).
//
// Used by the daemon's main thread only.

#include <functional>
#include <map>
#include <thread>

#include "service/scheduler.hpp"

namespace rosterd::service {

class RunThreads {
 public:
  RunThreads() = default;
  ~RunThreads();  // joins every thread: their runs must be ending (stop requested)
  RunThreads(const RunThreads&) = delete;
  RunThreads& operator=(const RunThreads&) = delete;

  // Runs `task` on a new thread for the run of `key`; false (logged) when no thread
  // could be started. `task` must not throw.
  bool start(const JobKey& key, std::function<void()> task);
  // Waits for the thread of `key`'s run to end (its task has returned, or is returning).
  void join(const JobKey& key);
  [[nodiscard]] std::size_t size() const { return m_threads.size(); }

 private:
  std::map<JobKey, std::thread> m_threads;
};

}  // namespace rosterd::service
