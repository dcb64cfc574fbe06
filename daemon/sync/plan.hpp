#pragma once
// One change a run makes to a record, as the planner emits it. Changes are
// streamed from the planner to the writer (or, for a dry run, to the output):
// a run never holds them all in memory.

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/diff.hpp"
#include "model/user.hpp"

namespace rosterd::sync {

// filled: only fields rosterd had never read gained values (model/field_policy.hpp).
enum class ChangeKind { added, updated, removed, restored, filled };

std::string_view to_string(ChangeKind kind) noexcept;

template <class Record>
struct Change {
  ChangeKind kind = ChangeKind::added;
  Record record;  // the new state; for `removed`, the last state
  // updated: the changed fields; restored: what differs from the state at removal.
  // Volatile fields are never among them.
  std::vector<model::FieldChange> fields;
  // updated, filled: fields that were absent and are now filled (a first fill).
  std::vector<model::FieldChange> filled;
  std::int64_t prior_version = 0;  // users: the version this change supersedes
  // added, updated, filled, restored: the content hash to store (the listing's digest
  // of the record, or the hash of the normalized record).
  std::int64_t hash = 0;
};

// What a complete listing amounts to before its changes are resolved: enough for
// the mass-removal guard.
struct ListingSummary {
  std::int64_t fetched = 0;
  std::int64_t unchanged = 0;      // same content hash as stored
  std::int64_t pending = 0;        // new or changed, to be resolved
  std::int64_t listed_before = 0;  // stored and not removed before the run
  std::int64_t removals = 0;       // stored, not removed, not listed now
};

}  // namespace rosterd::sync
