#pragma once
// CrocoDial's per-user datasets (README, "Vendors"): the day's statistics and the getUserInfo
// fields that enrich a user (user_stats), and the live agent state (agent_status).

#include <cstdint>
#include <optional>
#include <string>

#include "model/user.hpp"

namespace rosterd::model {

// Attribute keys that come from getUserInfo carry this prefix, so that the two
// datasets that write a CrocoDial user never overwrite each other's fields.
inline constexpr std::string_view k_user_info_prefix = "user_info.";

// The part of a user that getUserInfo supplies: email, user_group, phone
// (phone_login) and attributes prefixed "user_info." (tenant, territory, ...).
struct UserInfo {
  std::optional<std::string> email;
  std::optional<std::string> user_group;
  std::optional<std::string> phone;
  Attributes attributes;  // every key starts with k_user_info_prefix

  bool operator==(const UserInfo&) const = default;
};

// getUserInfo's user_stats: durations in seconds, counts, a percentage.
struct UserStats {
  std::optional<std::string> first_activity;  // time of day "HH:MM:SS", as the vendor reports it
  std::optional<std::string> last_activity;
  std::int64_t login_seconds = 0;
  std::int64_t after_call_seconds = 0;
  std::int64_t break_seconds = 0;
  std::int64_t pause_seconds = 0;
  std::int64_t available_seconds = 0;  // the vendor spells it "avalible"
  std::int64_t avg_wait_seconds = 0;
  std::int64_t talk_seconds = 0;
  std::int64_t talk_available_seconds = 0;
  std::int64_t total_calls = 0;
  std::int64_t denied = 0;
  std::int64_t lip = 0;
  std::int64_t vrf = 0;
  std::int64_t sales = 0;
  std::optional<double> sla_productivity;  // percent: "87%" -> 87.0

  bool operator==(const UserStats&) const = default;
};

struct UserInfoResult {
  UserInfo info;
  UserStats stats;
};

// getLiveAgentInfo: what an agent is doing now.
struct AgentState {
  std::string status;                       // READY, IN CALL, DISPOSITION, PAUSE, ...
  std::optional<std::string> pause_reason;  // "PAUSE - LUNCH BREAK" -> status PAUSE, reason LUNCH BREAK
  std::optional<std::string> campaign_id;
  std::optional<std::string> campaign_name;
  std::optional<std::string> call_type;
  Attributes attributes;  // color, in_call_with, caller_id, conf_exten, server_ip, vendor_lead_code, lead_id

  // An interval of agent_status_log ends when any of these changes.
  [[nodiscard]] bool same_state(const AgentState& other) const {
    return status == other.status && pause_reason == other.pause_reason && campaign_id == other.campaign_id;
  }
  bool operator==(const AgentState&) const = default;
};

}  // namespace rosterd::model
