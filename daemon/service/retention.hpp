#pragma once
// `retention:` (README, "Retention"): deletes the rows older than each table's setting,
// in batches of a thousand rows, each batch a transaction of its own taken through the
// writer: never inside a run's transaction, and a run's commit waits for one batch at
// most. `rosterd run` makes a pass at start and every hour after; `rosterd prune` makes
// one and exits.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "store/writer.hpp"

namespace rosterd::service {

// Table name -> how long its rows are kept (config::Config::retention).
using RetentionSettings = std::map<std::string, std::chrono::milliseconds, std::less<>>;

struct PruneOptions {
  std::int64_t batch = 1000;
  // Between two batches: the writer's other users go first.
  std::chrono::milliseconds pause{10};
};

// One pass over every table with a setting, the tables that point at runs before
// sync_runs. Returns the rows deleted per table; stops between batches when `stop` is
// requested. Throws what the database throws (the rows deleted so far stay deleted).
std::map<std::string, std::int64_t> prune_once(store::Writer& writer, const RetentionSettings& settings,
                                               core::SystemTime now, std::stop_token stop = {},
                                               const PruneOptions& options = {});

// The daemon's passes, on a thread of their own.
class RetentionKeeper {
 public:
  using OnDeleted = std::function<void(const std::string& table, std::int64_t rows)>;
  // `writer` and `clock` must outlive the keeper. The first pass starts at once.
  RetentionKeeper(store::Writer& writer, const core::Clock& clock, RetentionSettings settings, OnDeleted on_deleted);
  ~RetentionKeeper();  // stops (between two batches) and joins
  RetentionKeeper(const RetentionKeeper&) = delete;
  RetentionKeeper& operator=(const RetentionKeeper&) = delete;

  // A reload's settings, from the next pass on.
  void configure(RetentionSettings settings);

  static constexpr std::chrono::hours k_every{1};

 private:
  void loop(std::stop_token stop);

  store::Writer& m_writer;
  const core::Clock& m_clock;
  OnDeleted m_on_deleted;
  std::mutex m_mutex;  // guards m_settings
  std::condition_variable_any m_wake;
  RetentionSettings m_settings;
  std::jthread m_thread;  // last: started when the rest is ready, joined first
};

}  // namespace rosterd::service
