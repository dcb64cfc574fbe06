#include "store/runs.hpp"

namespace rosterd::store {

std::string_view to_string(RunStatus status) noexcept {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::ok: return "ok";
    case RunStatus::failed: return "failed";
    case RunStatus::refused: return "refused";
    case RunStatus::partial: return "partial";
    case RunStatus::interrupted: return "interrupted";
  }
  return "failed";
}

std::optional<RunStatus> parse_run_status(std::string_view text) noexcept {
  for (auto s : {RunStatus::running, RunStatus::ok, RunStatus::failed, RunStatus::refused, RunStatus::partial,
                 RunStatus::interrupted}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace rosterd::store
