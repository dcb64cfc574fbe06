#include "sync/datasets/per_user.hpp"

#include <fmt/format.h>

#include "core/secrets.hpp"

namespace rosterd::sync {
namespace {

// At most this many failed users are named in sync_runs.error and the log.
constexpr std::size_t k_named_failures = 10;

}  // namespace

std::vector<sources::UserRef> user_refs(const std::vector<store::ListedUser>& listed, bool active_only) {
  std::vector<sources::UserRef> out;
  for (const auto& user : listed) {
    if (!user.username || (active_only && user.active != true)) continue;
    out.push_back({user.external_id, *user.username});
  }
  return out;
}

void settle(PlanResult& plan, std::size_t results,
            const std::vector<std::pair<sources::UserRef, core::Error>>& failures, std::size_t asked) {
  plan.fetched = static_cast<std::int64_t>(results);
  if (failures.empty()) return;
  plan.status = results == 0 ? store::RunStatus::failed : store::RunStatus::partial;
  auto text = fmt::format("{} of {} users failed", failures.size(), asked);
  for (std::size_t i = 0; i < failures.size() && i < k_named_failures; ++i) {
    text += fmt::format("{} {}: {}", i == 0 ? ":" : ";", failures[i].first.username, failures[i].second.message);
  }
  if (failures.size() > k_named_failures) text += fmt::format("; and {} more", failures.size() - k_named_failures);
  plan.error = core::secrets().redact(text);
}

}  // namespace rosterd::sync
