#pragma once
// Who may run a source, among any number of rosterd processes on one PostgreSQL
// database, on any number of hosts. A process registers itself in rosterd_instances
// and claims a source in run_leases for as long as it runs it. A claim lasts
// lease_duration() past its last renewal, by the database's clock; a keeper thread
// renews the process's claims and heartbeat every third of that. A process that dies
// or freezes (kill -9, SIGSTOP, a network cut) stops renewing: its claims expire and
// another process takes them, raising each one's token. A run commits only if the
// claim it took, with its token, is still current (verify_claim(), inside the run's
// transaction), so a process that wakes up after losing its claim writes nothing.
//
// Everything is a single statement or part of the run's own transaction: no session
// state (advisory locks, prepared statements), so it works behind pgbouncer's
// transaction pooling.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "store/database.hpp"
#include "store/postgresql/pq.hpp"

namespace rosterd::store::postgresql {

// How long a claim lasts without renewal (default 30 s): the longest a source waits
// after its instance died before another takes it over.
std::chrono::milliseconds lease_duration();
void set_lease_duration(std::chrono::milliseconds duration);

// This process's id in rosterd_instances: host:pid:start.
const std::string& instance_id();

// The claim of `source`, or nullptr when another live process holds it.
std::unique_ptr<Lock> try_claim(const std::string& location, const std::string& source);
// Waits for the claim (polling), calling on_wait once; nullptr when `stop` came first.
std::unique_ptr<Lock> claim(const std::string& location, const std::string& source, std::stop_token stop,
                            const Locks::OnWait& on_wait);
// Registers this process as a `rosterd run` of the database while the lock lives.
std::unique_ptr<Lock> register_daemon(const std::string& location);

// Inside the transaction that commits a run of `source`: throws StoreError when this
// process took a claim of `source` and no longer holds it (expired, taken over). The
// claim's row stays locked until the commit, so no one takes it in between. Sources
// this process never claimed (tools that write without claims) pass.
void verify_claim(Connection& connection, const std::string& location, const std::string& source);

// Whether the instance `id` renewed its heartbeat within its lease (alive).
std::string alive_instance_condition(const std::string& column);

}  // namespace rosterd::store::postgresql
