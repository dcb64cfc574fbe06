#pragma once
// What a run would change: computed from a complete listing and the stored state
// before anything is written, so that a dry run and a real run agree exactly.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/diff.hpp"
#include "model/user.hpp"

namespace rosterd::sync {

enum class ChangeKind { added, updated, removed, restored };

std::string_view to_string(ChangeKind kind) noexcept;

template <class Record>
struct Change {
  ChangeKind kind = ChangeKind::added;
  Record record;  // the new state; for `removed`, the last state
  // updated: the changed fields; restored: what differs from the state at removal.
  std::vector<model::FieldChange> fields;
  std::int64_t prior_version = 0;  // users: the version this change supersedes
};

template <class Record>
struct Plan {
  std::vector<Change<Record>> changes;  // listing order; removals last, by key
  std::vector<Record> rehash;           // unchanged content whose stored hash is stale
  std::int64_t fetched = 0;
  std::int64_t unchanged = 0;
  std::int64_t listed_before = 0;  // records present (not removed) before the run

  [[nodiscard]] std::int64_t count(ChangeKind kind) const {
    std::int64_t n = 0;
    for (const auto& c : changes) n += c.kind == kind ? 1 : 0;
    return n;
  }
};

using UserPlan = Plan<model::User>;
using EntityPlan = Plan<model::NamedEntity>;

}  // namespace rosterd::sync
