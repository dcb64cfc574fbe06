#pragma once
// The text of change and summary lines:
//   acme-dialer: user 2222 (Jhon.Exp) updated: email "a@x.com" -> "b@x.com", active 1 -> 0
//   acme-dialer: users: ok in 0.42s: fetched 165, added 3, updated 2, removed 1, restored 0, unchanged 159 (2
//   requests, 48.1 KB)
// Vendor text is JSON-quoted, so a name with a newline or quote cannot forge a line.

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "model/dataset.hpp"
#include "store/runs.hpp"
#include "sync/plan.hpp"

namespace rosterd::sync {

// Real runs log this many change lines, then one line with the count of the rest.
inline constexpr std::size_t k_max_logged_changes = 100;

std::string change_line(std::string_view source, const Change<model::User>& change);
std::string change_line(std::string_view source, model::Entity entity, const Change<model::NamedEntity>& change);

// "812 B", "48.1 KB", "3.2 MB".
std::string human_size(std::int64_t bytes);

std::string summary_line(std::string_view source, model::Dataset dataset, store::RunStatus status,
                         const store::RunCounts& counts, core::Millis elapsed);

}  // namespace rosterd::sync
