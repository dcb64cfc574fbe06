#include "store/sqlite/busy_wait.hpp"

#include <algorithm>
#include <array>
#include <thread>

#include "core/log.hpp"
#include "store/sqlite/lock_holders.hpp"

namespace rosterd::store::sqlite {
namespace {

// The sleeps of SQLite's own busy timeout (sqliteDefaultBusyCallback): short at
// first, since most locks are released within milliseconds, then 100 ms.
constexpr std::array<int, 12> k_delays_ms{1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

}  // namespace

void BusyWait::install(sqlite3* db) {
  sqlite3_busy_handler(db, &BusyWait::on_busy, this);
}

void BusyWait::remove(sqlite3* db) {
  sqlite3_busy_handler(db, nullptr, nullptr);
}

int BusyWait::on_busy(void* self, int count) {
  return static_cast<BusyWait*>(self)->wait(count);
}

int BusyWait::wait(int count) {
  ++m_calls;
  const auto now = std::chrono::steady_clock::now();
  // `count` restarts at 0 for every new wait on this connection.
  if (count == 0) {
    m_started = now;
    m_logged = false;
  }
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_started);
  if (waited >= m_timeout) return 0;
  if (!m_logged && waited >= k_log_after) {
    m_logged = true;
    const auto holder = find_lock_holder(m_path);
    core::log().warn("{}: waiting up to {} s for {} held by {}", m_path, m_timeout.count() / 1000,
                     holder ? holder->lock : "a lock",
                     holder ? describe_holder(*holder) : "a process not visible here");
  }
  const auto index = std::min<std::size_t>(static_cast<std::size_t>(count), k_delays_ms.size() - 1);
  std::this_thread::sleep_for(std::min(std::chrono::milliseconds{k_delays_ms[index]}, m_timeout - waited));
  return 1;
}

}  // namespace rosterd::store::sqlite
