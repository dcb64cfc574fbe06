#pragma once
// A turn of one (source, dataset) on a database that several `rosterd run` processes
// share (store::Database::shared_schedule(): PostgreSQL). Every instance schedules every
// job; a due job runs on whichever instance first claims its source, and only if the
// database's schedule row says it is due, so that the schedule holds whatever the number
// of instances. The instance that ran it writes the next due time (the interval after
// the run began, or a backoff after a failure) before it lets the claim go. An instance
// that dies loses its claims after claim_timeout; the next instance whose turn comes
// takes the source over and marks the dead instance's run failed.

#include <functional>
#include <optional>

#include "core/clock.hpp"
#include "service/scheduler.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"
#include "sync/runner.hpp"

namespace rosterd::service {

struct SharedTurn {
  enum class Kind {
    ran,      // this instance ran it; `ok` says how it ended
    busy,     // another instance holds the source now
    not_due,  // another instance ran it: due again at `due`
  };
  Kind kind = Kind::busy;
  bool ok = false;
  // When the job is next due, as the database now records it (wall clock); nullopt when
  // the run was interrupted and left the row as it was.
  std::optional<core::SystemTime> due;
};

// The row a daemon that owns its database's schedule publishes for one job: its due
// time on the wall clock (NULL while it runs), its failures, this process.
store::ScheduleRow published_row(const JobKey& key, const Scheduler::Job& job, core::SystemTime wall,
                                 core::SteadyTime steady);

// Takes the turn: claims the source on `reader`, reads the due time, calls `run` (which
// must run with sync::LockWait::held) and records the next due time through `writer`.
// Throws on a database failure.
SharedTurn take_shared_turn(store::Database& reader, store::Writer& writer, const JobKey& key, core::Millis interval,
                            const core::Clock& clock, const std::function<sync::RunOutcome()>& run);

}  // namespace rosterd::service
