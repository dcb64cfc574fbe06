#include "store/postgresql/leases.hpp"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <thread>

#include <fmt/format.h>

#include "core/log.hpp"
#include "store/postgresql/session.hpp"

namespace rosterd::store::postgresql {
namespace {

std::atomic<std::int64_t> g_lease_ms{30'000};

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

// The claims this process holds on one database, renewed by a thread of its own on a
// connection of its own, and its heartbeat in rosterd_instances.
class Keeper {
  template <class Work>
  decltype(auto) guarded(Work&& work) {
    return translate_errors(m_connection.display(), std::forward<Work>(work));
  }

 public:
  explicit Keeper(const std::string& location)
      : m_connection(connect(location, OpenMode::read_write)) {
    guarded([&] {
      heartbeat();
      m_connection.exec("DELETE FROM rosterd_instances WHERE heartbeat_at < now() - interval '1 day'");
    });
    m_thread = std::jthread([this](std::stop_token stop) { keep(stop); });
  }

  ~Keeper() {
    m_thread.request_stop();
    m_wake.notify_all();
    m_thread.join();
    std::lock_guard lock(m_mutex);
    try {
      m_connection.exec(
          "UPDATE run_leases SET expires_at = '-infinity' WHERE source IN (SELECT source FROM run_leases "
          "WHERE holder = $1 FOR NO KEY UPDATE SKIP LOCKED)",
          Params().text(instance_id()));
      m_connection.exec("DELETE FROM rosterd_instances WHERE id = $1", Params().text(instance_id()));
    } catch (const std::exception& e) {
      core::log().debug("{}: claims not released (they expire by themselves): {}", m_connection.display(), e.what());
    }
  }
  Keeper(const Keeper&) = delete;
  Keeper& operator=(const Keeper&) = delete;

  std::optional<std::int64_t> try_claim(const std::string& source) {
    std::lock_guard lock(m_mutex);
    return guarded([&]() -> std::optional<std::int64_t> {
      const auto params = Params().text(source).text(instance_id()).number(g_lease_ms.load());
      // The source's first claim ever; else an expired one taken over, its token raised. A
      // claim row locked by a run committing now (verify_claim) is skipped, never waited
      // for: the source is busy.
      auto result = m_connection.exec(
          "INSERT INTO run_leases (source, holder, token, claimed_at, expires_at) "
          "VALUES ($1, $2, 1, now(), now() + $3 * interval '1 millisecond') "
          "ON CONFLICT (source) DO NOTHING RETURNING token",
          params);
      if (result.rows() == 0) {
        result = m_connection.exec(
            "UPDATE run_leases SET holder = $2, token = token + 1, claimed_at = now(), "
            "expires_at = now() + $3 * interval '1 millisecond' WHERE source IN (SELECT source FROM run_leases "
            "WHERE source = $1 AND expires_at < now() FOR NO KEY UPDATE SKIP LOCKED) RETURNING token",
            params);
      }
      if (result.rows() == 0) return std::nullopt;
      const auto token = result.number(0, 0);
      m_claims[source] = token;
      return token;
    });
  }

  void release(const std::string& source, std::int64_t token) {
    std::lock_guard lock(m_mutex);
    m_claims.erase(source);
    m_lost.erase({source, token});
    try {
      m_connection.exec(
          "UPDATE run_leases SET expires_at = '-infinity' WHERE source IN (SELECT source FROM run_leases "
          "WHERE source = $1 AND holder = $2 AND token = $3 FOR NO KEY UPDATE SKIP LOCKED)",
          Params().text(source).text(instance_id()).number(token));
    } catch (const std::exception& e) {
      core::log().debug("{}: claim of {} not released (it expires by itself): {}", m_connection.display(), source,
                        e.what());
    }
  }

  std::optional<std::int64_t> token_of(const std::string& source) {
    std::lock_guard lock(m_mutex);
    const auto it = m_claims.find(source);
    if (it == m_claims.end()) return std::nullopt;
    return it->second;
  }

  void set_daemon(bool daemon) {
    std::lock_guard lock(m_mutex);
    guarded([&] {
      m_connection.exec("UPDATE rosterd_instances SET daemon = $2 WHERE id = $1",
                        Params().text(instance_id()).boolean(daemon));
    });
  }

 private:
  void keep(std::stop_token stop) {
    std::unique_lock lock(m_mutex);
    while (!stop.stop_requested()) {
      m_wake.wait_for(lock, stop, std::chrono::milliseconds(g_lease_ms.load() / 3), [] { return false; });
      if (stop.stop_requested()) return;
      renew();
    }
  }

  // The heartbeat, then every claim held: a claim someone else took over (its token
  // raised) is not renewed, and the run holding it will not commit.
  // This process's row in rosterd_instances, inserted or renewed.
  void heartbeat() {
    m_connection.exec(
        "INSERT INTO rosterd_instances (id, host, pid, daemon, started_at, heartbeat_at, lease_ms) "
        "VALUES ($1, $2, $3, false, now(), now(), $4) "
        "ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), lease_ms = excluded.lease_ms",
        Params().text(instance_id()).text(host_name()).number(getpid()).number(g_lease_ms.load()));
  }

  void renew() {
    try {
      heartbeat();
      for (const auto& [source, token] : m_claims) {
        // Skipped while a run of this process commits (its transaction locks the row):
        // no one can take the claim then.
        const auto params = Params().text(source).text(instance_id()).number(token);
        const auto renewed = m_connection.exec(
            "UPDATE run_leases SET expires_at = now() + $4 * interval '1 millisecond' WHERE source IN (SELECT "
            "source FROM run_leases WHERE source = $1 AND holder = $2 AND token = $3 FOR NO KEY UPDATE SKIP LOCKED)",
            Params(params).number(g_lease_ms.load()));
        if (renewed.affected() == 0 &&
            m_connection.exec("SELECT 1 FROM run_leases WHERE source = $1 AND holder = $2 AND token = $3", params)
                    .rows() == 0 &&
            m_lost.emplace(source, token).second) {
          core::log().warn("{}: another rosterd took the claim of {} over (this one did not renew it in time): "
                           "its run in progress here will not commit",
                           m_connection.display(), source);
        }
      }
      m_failing = false;
    } catch (const std::exception& e) {
      if (!m_failing) core::log().warn("{}: claims not renewed: {}", m_connection.display(), e.what());
      m_failing = true;
    }
  }

  std::mutex m_mutex;
  std::condition_variable_any m_wake;
  Connection m_connection;                       // guarded by m_mutex
  std::map<std::string, std::int64_t> m_claims;  // source -> token; guarded by m_mutex
  std::set<std::pair<std::string, std::int64_t>> m_lost;  // claims seen taken over; guarded by m_mutex
  bool m_failing = false;
  std::jthread m_thread;
};

// The process's keeper of each database it holds claims on (or runs as a daemon of).
struct Keepers {
  std::mutex mutex;
  std::map<std::string, std::weak_ptr<Keeper>> by_location;
};

Keepers& keepers() {
  static Keepers instance;
  return instance;
}

std::shared_ptr<Keeper> keeper_for(const std::string& location) {
  auto& all = keepers();
  std::lock_guard lock(all.mutex);
  if (auto keeper = all.by_location[location].lock()) return keeper;
  auto keeper = std::make_shared<Keeper>(location);
  all.by_location[location] = keeper;
  return keeper;
}

// nullptr when this process holds nothing on `location`.
std::shared_ptr<Keeper> existing_keeper(const std::string& location) {
  auto& all = keepers();
  std::lock_guard lock(all.mutex);
  const auto it = all.by_location.find(location);
  return it == all.by_location.end() ? nullptr : it->second.lock();
}

class Claim final : public Lock {
 public:
  Claim(std::shared_ptr<Keeper> keeper, std::string source, std::int64_t token)
      : m_keeper(std::move(keeper)), m_source(std::move(source)), m_token(token) {}
  ~Claim() override { m_keeper->release(m_source, m_token); }

 private:
  std::shared_ptr<Keeper> m_keeper;
  std::string m_source;
  std::int64_t m_token;
};

class DaemonRegistration final : public Lock {
 public:
  explicit DaemonRegistration(std::shared_ptr<Keeper> keeper) : m_keeper(std::move(keeper)) {
    m_keeper->set_daemon(true);
  }

 private:
  std::shared_ptr<Keeper> m_keeper;
};

}  // namespace

std::chrono::milliseconds lease_duration() { return std::chrono::milliseconds(g_lease_ms.load()); }

void set_lease_duration(std::chrono::milliseconds duration) { g_lease_ms = duration.count(); }

const std::string& instance_id() {
  static const std::string id = fmt::format(
      "{}:{}:{}", host_name(), getpid(),
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  return id;
}

std::unique_ptr<Lock> try_claim(const std::string& location, const std::string& source) {
  auto keeper = keeper_for(location);
  const auto token = keeper->try_claim(source);
  if (!token) return nullptr;
  return std::make_unique<Claim>(std::move(keeper), source, *token);
}

std::unique_ptr<Lock> claim(const std::string& location, const std::string& source, std::stop_token stop,
                            const Locks::OnWait& on_wait) {
  auto keeper = keeper_for(location);
  bool waited = false;
  std::mutex mutex;
  std::condition_variable_any wake;
  for (;;) {
    if (const auto token = keeper->try_claim(source)) return std::make_unique<Claim>(keeper, source, *token);
    if (!waited && on_wait) on_wait();
    waited = true;
    std::unique_lock lock(mutex);
    const auto poll = std::min(std::chrono::milliseconds(1000), lease_duration() / 4);
    if (wake.wait_for(lock, stop, poll, [&] { return stop.stop_requested(); })) return nullptr;
  }
}

std::unique_ptr<Lock> register_daemon(const std::string& location) {
  return std::make_unique<DaemonRegistration>(keeper_for(location));
}

void verify_claim(Connection& connection, const std::string& location, const std::string& source) {
  const auto keeper = existing_keeper(location);
  const auto token = keeper ? keeper->token_of(source) : std::nullopt;
  if (!token) return;
  const auto row = connection.exec("SELECT holder, token, rosterd_time(claimed_at) FROM run_leases WHERE source = $1 FOR UPDATE",
                                   Params().text(source));
  if (row.rows() == 1 && row.text(0, 0) == instance_id() && row.number(0, 1) == *token) return;
  throw StoreError(fmt::format(
      "{}: {}: this rosterd ({}) lost its claim on the source during the run{}: the run is not committed (another "
      "instance runs the source now)",
      connection.display(), source, instance_id(),
      row.rows() == 1 ? fmt::format(" ({} took it at {})", row.text(0, 0), row.text(0, 2)) : std::string()));
}

std::string alive_instance_condition(const std::string& column) {
  return fmt::format(
      "EXISTS (SELECT 1 FROM rosterd_instances AS i WHERE i.id = {} AND "
      "i.heartbeat_at + i.lease_ms * interval '1 millisecond' > now())",
      column);
}

}  // namespace rosterd::store::postgresql
