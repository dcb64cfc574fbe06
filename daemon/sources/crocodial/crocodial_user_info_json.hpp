#pragma once
// CrocoDial's per-user actions (CrocoDial's users API pages: getUserInfo,
// getLiveAgentInfo; docs/vendor-facts.md 1.2 errors, 1.3 types, 1.4 secrets) -> the model's
// per-user results (model/agent.hpp). Pure functions, strict like the listing parsers.
//
// Errors, besides those of parse_envelope (ErrorKind::auth for rejected credentials
// and the 10001 permission error, ErrorKind::vendor for other error documents,
// ErrorKind::parse for anything that is not the documented JSON):
//   code 41004 ("Invalid value in user. Doesn't exist") -> ErrorKind::not_found;
//   getUserInfo answering 10010 (no rows)                -> ErrorKind::not_found.

#include <string_view>

#include "core/result.hpp"
#include "model/agent.hpp"
#include "sources/crocodial/crocodial_json.hpp"
#include "sources/json_support.hpp"

namespace rosterd::sources::crocodial {

// What getLiveAgentInfo's 10010 ("no rows") answer becomes. The live agent row
// exists only while the agent is logged in (upstream reads vicidial_live_agents),
// so "no rows" is a state of the agent, not a failure. Assumed: CrocoDial's docs
// show no such answer (sim/README.md lists it among the simulator's assumptions).
inline constexpr std::string_view k_logged_out_status = "LOGGED OUT";

// getUserInfo.
// data.user_info -> UserInfo: email (trimmed, lower-cased, empty = null), user_group,
// phone = phone_login; the fields the users listing owns (user_id, user, full_name,
// user_level) are left to it; every other field goes to attributes as
// "user_info.<field>" (model::k_user_info_prefix), minus the filter's fields
// (pass, pass_hash, phone_pass, voicemail_pass: docs/vendor-facts.md 1.4).
// data.user_stats -> UserStats:
//   durations (login_time, after_call, break, pause, avalible, avg_wait, talk,
//   talk_avalible): "H:MM:SS" text, any number of hour digits -> seconds;
//   counts (total_calls, denied, lip, vrf, sales): non-negative integers, as numbers
//   or numeric strings;
//   sla_productivity: "87%", "87.5%", "87" or a number -> percent; null, "" or absent
//   -> nullopt (the model leaves it optional);
//   first_activity, last_activity: time of day "H:MM:SS" -> "HH:MM:SS"; null, "" or
//   absent -> nullopt.
// A missing or malformed duration or count is a parse error naming the field: the
// documented example has them all, and a zero invented for a missing one would be
// stored as a real day's figure. Fields of user_stats not listed above are ignored
// (a new vendor metric must not fail every user until a column exists for it).
core::Result<model::UserInfoResult> parse_user_info(JsonBody body, JsonDocumentParser& parser,
                                                    const FieldFilter& filter);

// getLiveAgentInfo.
// data.status "PAUSE - LUNCH BREAK" -> status "PAUSE", pause_reason "LUNCH BREAK"
// ("PAUSE" alone: no reason); other statuses as served (trimmed; required).
// campaign_id, campaign_name, call_type: text, "" -> nullopt.
// lead_id (a number, 0 when idle, docs/vendor-facts.md 1.3) is kept in attributes as a
// number even when served as a numeric string; conf_exten as a string even when
// served as a number, so a type flip is not a change. Every other field goes to
// attributes. A 10010 answer is the state k_logged_out_status.
core::Result<model::AgentState> parse_live_agent_info(JsonBody body, JsonDocumentParser& parser,
                                                      const FieldFilter& filter);

// The same mappings from an envelope parse_per_user_envelope() accepted, for callers
// that log its warnings. Valid until the parser that produced `envelope` parses again.
core::Result<model::UserInfoResult> user_info_from(const Envelope& envelope, const FieldFilter& filter);
core::Result<model::AgentState> live_agent_info_from(const Envelope& envelope, const FieldFilter& filter);

// parse_envelope() with 41004 mapped to ErrorKind::not_found ("unknown user").
core::Result<Envelope> parse_per_user_envelope(JsonBody body, JsonDocumentParser& parser);

}  // namespace rosterd::sources::crocodial
