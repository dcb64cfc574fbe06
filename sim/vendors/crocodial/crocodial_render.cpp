#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "sim/generator.hpp"
#include "sim/json_item.hpp"
#include "sim/json_out.hpp"
#include "sim/vendors/crocodial/crocodial.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::uint64_t k_salt_string_id = 0x501, k_salt_campaign = 0x502, k_salt_rank = 0x503, k_salt_profile = 0x504,
                        k_salt_flags = 0x505, k_salt_pass = 0x506, k_salt_pass_hash = 0x507, k_salt_phone_pass = 0x508,
                        k_salt_voicemail = 0x509, k_salt_stats = 0x50a, k_salt_segment = 0x50b, k_salt_phase = 0x50c,
                        k_salt_state = 0x50d, k_salt_call = 0x50e;
constexpr std::array<std::string_view, 5> k_disposition_sets = {"PAYMENT FOLLOW-UP", "GENERAL INQUIRIES", "NEW LEADS",
                                                                "WIN-BACK", "DOCUMENTS"};

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() < 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t to_int(std::string_view digits) {
  std::int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

// INT columns come out as JSON numbers, CHAR columns as strings (docs/vendor-facts.md 1.3);
// a field that holds a non-number is served as text.
void number_or_text(ItemWriter& item, std::string_view key, std::string_view value) {
  if (all_digits(value)) {
    item.number(key, to_int(value));
  } else {
    item.text(key, value);
  }
}

void text(JsonOut& w, std::string_view key, std::string_view value) {
  w.key(key).value(value);
}

std::string hms(std::int64_t seconds) {
  return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

void write_list_item(JsonOut& w, const TenantState& state, const SimUser& user) {
  const auto seed = state.options.seed;
  const auto& campaign = state.seed_campaigns[pick(seed, user.id, k_salt_campaign,
                                                   static_cast<std::uint32_t>(state.seed_campaigns.size()))];
  const auto flags = derive(seed, user.id, k_salt_flags);
  ItemWriter item(w, user);
  // Both number and string ids occur (docs/vendor-facts.md 1.3): every fifth user's is a string.
  if (pick(seed, user.id, k_salt_string_id, 5) == 0) {
    item.text("user_id", std::to_string(user.id));
  } else {
    item.number("user_id", user.id);
  }
  item.text("user", user.username).text("name", user.full_name());
  number_or_text(item, "exten", user.extension);
  number_or_text(item, "level", user.role);
  item.text("active", user.active ? "Y" : "N")
      .text("campaign_id", campaign.id)
      .text("campaign_name", campaign.name)
      .number("rank", pick(seed, user.id, k_salt_rank, 4) == 0 ? pick(seed, user.id, k_salt_rank + 1, 10) : 0)
      .number("profile_id", 1 + pick(seed, user.id, k_salt_profile, 5))
      .custom("allowed_companys",
              [&](JsonOut& out) {
                out.begin_array();
                for (const auto& code : user.portfolios) out.value(code);
                out.end_array();
              })
      .number("inbound", static_cast<std::int64_t>(flags & 1U))
      .number("dialer", static_cast<std::int64_t>((flags >> 1) & 1U) | (flags & 1U ? 0 : 1))
      .number("xfer", static_cast<std::int64_t>((flags >> 2) & 1U))
      .number("manual_dial_only", (flags >> 3) % 8 == 0 ? 1 : 0)
      .text("closer_campaigns", (flags >> 6) % 3 == 0 ? " " + campaign.id + " AGENTDIRECT -" : " AGENTDIRECT ")
      .text("agentcall_manual", "1");
  item.finish();
}

void write_stats(JsonOut& w, const TenantState& state, const SimUser& user) {
  const std::int64_t day = state.now() / 86400;
  const auto v = derive(state.options.seed, user.id, k_salt_stats ^ static_cast<std::uint64_t>(day));
  const auto part = [&](int shift, std::int64_t bound) {
    return static_cast<std::int64_t>((v >> shift) % static_cast<std::uint64_t>(bound));
  };
  const bool worked = user.active;
  const std::int64_t login = worked ? 6 * 3600 + part(0, 3 * 3600) : 0;
  const std::int64_t talk = login * (50 + part(8, 30)) / 100;
  const std::int64_t breaks = worked ? 900 + part(16, 1800) : 0;
  const std::int64_t pause = worked ? part(24, 900) : 0;
  const std::int64_t after_call = worked ? 300 + part(32, 900) : 0;
  const std::int64_t available = std::max<std::int64_t>(0, login - talk - breaks - pause - after_call);
  const std::int64_t first = worked ? 8 * 3600 + part(40, 3600) : 0;
  const std::int64_t calls = worked ? 40 + part(48, 120) : 0;
  w.key("user_stats").begin_object();
  text(w, "first_activity", hms(first));
  text(w, "last_activity", hms(worked ? first + login : 0));
  text(w, "login_time", hms(login));
  text(w, "after_call", hms(after_call));
  text(w, "break", hms(breaks));
  text(w, "pause", hms(pause));
  text(w, "avalible", hms(available));  // sic, as documented
  text(w, "avg_wait", hms(worked ? 5 + part(52, 55) : 0));
  text(w, "talk", hms(talk));
  text(w, "talk_avalible", hms(talk + available));
  w.key("total_calls").value(calls);
  w.key("denied").value(worked ? part(56, 6) : 0);
  w.key("lip").value(worked ? part(58, 4) : 0);
  w.key("vrf").value(worked ? part(60, 6) : 0);
  w.key("sales").value(worked ? part(44, 11) : 0);
  text(w, "sla_productivity", fmt::format("{}%", login > 0 ? (talk + after_call) * 100 / login : 0));
  w.end_object();
}

std::string success_wrapping(const std::function<void(JsonOut&)>& write_data) {
  JsonOut w(TextStyle::php);
  w.begin_object().key("result").value("success").key("data");
  write_data(w);
  w.end_object();
  return w.take();
}

}  // namespace

std::string crocodial_error(std::string_view name) {
  // Shapes from docs/vendor-facts.md 1.2; the 10010 text is assumed (upstream's is not stored).
  if (name == "invalid_login") return R"({"result":"error","message":"Invalid Username\/Password"})";
  if (name == "command_not_found") return R"({"result":"error","message":"Command Not Found"})";
  if (name == "no_rows") return R"({"code":"10010","result":"Error: No data found."})";
  if (name == "missing_params") return R"({"code":"40001","message":"Error: Missing required parameters"})";
  if (name == "invalid_user") return R"({"code":"41004","result":"Error: Invalid value in user. Doesn't exist"})";
  if (name == "user_not_defined") return R"({"result":"Error: goAPI User Not Defined."})";
  if (name == "password_not_defined") return R"({"result":"Error: goAPI Password Not Defined."})";
  if (name == "session_user_not_defined") return R"({"result":"Error: Session User Not Defined."})";
  if (name == "astguiclient") return "ERROR: 'astguiclient.conf' file not found.";  // goDBasterisk.php die()
  return R"({"code":"10001","result":"Error: You do not have permission to view this page "})";
}

std::string crocodial_users(TenantState& state, const CrocodialListing& listing) {
  const auto& listed = state.users.listed();
  std::int64_t active = 0;
  for (const auto position : listed) active += state.users.entry(position).active ? 1 : 0;
  const auto total = static_cast<std::int64_t>(listed.size());
  JsonOut w(TextStyle::php, listed.size() * 420);
  w.begin_object().key("result").value("success").key("data").begin_object().key("user_list").begin_array();
  std::size_t written = 0;
  std::optional<SimUser> first;
  for (const auto position : listed) {
    const auto& entry = state.users.entry(position);
    if (listing.empty || entry.active == listing.inactive) continue;
    const SimUser user = state.users.materialize(entry);
    write_list_item(w, state, user);
    if (written++ == 0) first = user;
  }
  if (written == 0) return crocodial_error("no_rows");  // upstream goGetAllUsers.php does the same
  if (listing.duplicate) write_list_item(w, state, *first);
  w.end_array().key("all_campaigns").begin_array();
  for (const auto& campaign : state.campaigns) w.value(campaign.name);
  w.end_array().key("all_preview_campaigns").begin_array();
  for (std::size_t i = 0; i < state.campaigns.size(); i += 2) {
    w.begin_object();
    text(w, "campaign_id", state.campaigns[i].id);
    text(w, "campaign_name", state.campaigns[i].name);
    w.end_object();
  }
  w.end_array();
  const std::int64_t shown_total = listing.empty ? 0 : total;
  const std::int64_t shown_active = listing.empty ? 0 : active;
  w.key("total_users").value(shown_total).key("total_active_users").value(shown_active);
  w.key("total_inactive_users").value(shown_total - shown_active);
  w.end_object().end_object();
  return w.take();
}

std::string crocodial_user_info(TenantState& state, const SimUser& user) {
  const auto seed = state.options.seed;
  std::vector<std::string> secrets;
  crocodial_user_secrets(state.options, user, secrets);  // pass, pass_hash, phone_pass, voicemail_pass
  return success_wrapping([&](JsonOut& w) {
    w.begin_object().key("user_info").begin_object();
    w.key("user_id").value(user.id);
    text(w, "user", user.username);
    text(w, "pass", secrets[0]);
    text(w, "pass_hash", secrets[1]);
    text(w, "email", user.email);
    text(w, "voicemail_id", "");
    text(w, "phone_login", user.phone);
    text(w, "phone_pass", secrets[2]);
    text(w, "full_name", user.full_name());
    if (all_digits(user.role)) {
      w.key("user_level").value(to_int(user.role));
    } else {
      text(w, "user_level", user.role);
    }
    text(w, "territory", "");
    text(w, "tenant", state.options.name);
    text(w, "user_code", std::to_string(user.id));
    const auto flags = derive(seed, user.id, k_salt_flags);
    for (const auto* key : {"hotkeys_active", "agent_choose_ingroups", "scheduled_callbacks", "agentonly_callbacks"}) {
      text(w, key, (flags >> 12) % 4 == 0 ? "0" : "1");
    }
    text(w, "agentcall_manual", "1");
    text(w, "dialer_recording", "1");
    text(w, "dialer_transfers", (flags >> 2) & 1U ? "1" : "0");
    text(w, "closer_default_blended", "0");
    text(w, "user_group", user.group);
    text(w, "dialer_recording_override", "DISABLED");
    text(w, "alter_custphone_override", "NOT_ACTIVE");
    text(w, "alert_enabled", "0");
    text(w, "agent_shift_enforcement_override", "DISABLED");
    text(w, "shift_override_flag", "0");
    text(w, "allow_alerts", "0");
    text(w, "closer_campaigns", " AGENTDIRECT -");
    text(w, "agent_choose_territories", "0");
    for (const auto* key : {"custom_one", "custom_two", "custom_three", "custom_four", "custom_five"}) text(w, key, "");
    text(w, "agent_call_log_view_override", "DISABLED");
    text(w, "agent_choose_blended", "1");
    text(w, "agent_lead_search_override", "NOT_ACTIVE");
    text(w, "preset_contact_search", "NOT_ACTIVE");
    text(w, "voicemail_pass", secrets[3]);
    w.end_object();
    write_stats(w, state, user);
    w.end_object();
  });
}

std::string crocodial_agent_info(TenantState& state, const SimUser& user) {
  const auto seed = state.options.seed;
  // Each agent moves READY -> IN CALL -> DISPOSITION in segments of 45-165 s of the
  // tenant clock, with occasional pauses; a pinned status overrides the cycle.
  const auto length = static_cast<std::int64_t>(45 + pick(seed, user.id, k_salt_segment, 120));
  const auto slot = (state.now() + pick(seed, user.id, k_salt_phase, 1000)) / length;
  const auto roll = derive(seed, user.id, k_salt_state ^ static_cast<std::uint64_t>(slot));
  static constexpr std::array<std::string_view, 3> k_cycle = {"READY", "IN CALL", "DISPOSITION"};
  std::string status(k_cycle[static_cast<std::size_t>(slot % 3)]);
  if (roll % 100 < 8) status = "PAUSE - BREAK";
  if (roll % 100 >= 8 && roll % 100 < 10) status = "PAUSE - LUNCH BREAK";
  if (const auto it = state.agent_overrides.find(user.id); it != state.agent_overrides.end()) status = it->second;

  const bool on_call = status == "IN CALL" || status == "DISPOSITION";
  const auto call = derive(seed, user.id, k_salt_call ^ static_cast<std::uint64_t>(slot));
  const auto& campaign = state.seed_campaigns[call % state.seed_campaigns.size()];
  const std::string_view color = status == "READY"     ? "primary"
                                 : status == "IN CALL" ? "green"
                                 : status == "DISPOSITION"
                                     ? "warning"  // assumed: only primary and green are documented
                                     : "danger";
  return success_wrapping([&](JsonOut& w) {
    w.begin_object();
    text(w, "status", status);
    text(w, "color", color);
    text(w, "in_call_with", status == "IN CALL" ? std::to_string(9000000000 + call % 999999999) : "");
    text(w, "campaign_id", on_call ? campaign.id : "");
    text(w, "campaign_name", on_call ? campaign.name : "");
    text(w, "call_type",
         on_call ? ((call >> 8) % 10 < 7   ? "DIALER"
                    : (call >> 8) % 10 < 9 ? "MANUAL"
                                           : "INBOUND")
                 : "");
    text(w, "caller_id", on_call ? std::to_string(9000000000 + (call >> 16) % 999999999) : "");
    text(w, "conf_exten", std::to_string(8600100 + user.id % 100));
    text(w, "server_ip", "127.0.0.1");
    text(w, "vendor_lead_code", on_call ? fmt::format("{}-{}", token_chars(call, 6), token_chars(call >> 1, 6)) : "");
    w.key("lead_id").value(on_call ? static_cast<std::int64_t>(1000000 + (call >> 24) % 9000000) : std::int64_t{0});
    w.end_object();
  });
}

std::string crocodial_portfolios(const TenantState& state) {
  if (state.portfolios.empty()) return crocodial_error("no_rows");
  return success_wrapping([&](JsonOut& w) {
    w.begin_array();
    for (const auto& item : state.portfolios) {
      w.begin_object();
      text(w, "portfolio", item.id);
      text(w, "portfolio_name", item.name);
      w.end_object();
    }
    w.end_array();
  });
}

std::string crocodial_profiles(const TenantState& state) {
  if (state.profiles.empty()) return crocodial_error("no_rows");
  JsonOut w(TextStyle::php);
  w.begin_object().key("result").value("success").key("data").begin_array();
  for (const auto& item : state.profiles) {
    w.begin_object();
    text(w, "profile_id", item.id);
    text(w, "profile_name", item.name);
    w.end_object();
  }
  w.end_array().key("use_profile").value(1).key("profiles").begin_object().key("headers").begin_array();
  for (const auto* header : {"#", "Profile ID", "Profile Name", "Disposition Set", "Action"}) w.value(header);
  w.end_array().key("rows").begin_array();
  for (std::size_t i = 0; i < state.profiles.size(); ++i) {
    const auto& item = state.profiles[i];
    const auto id = static_cast<std::int64_t>(i + 1);
    w.begin_object().key("id").value(id);
    text(w, "profile_id", item.id);
    text(w, "profile_name", item.name);
    text(w, "disposition_set", k_disposition_sets[i % k_disposition_sets.size()]);
    text(w, "action",
         fmt::format("<button class=\"btn btn-success btn-normal edit_profile\" profile=\"{}\" "
                     "profile_type=\"profile\" profile_id=\"{}\" title=\"Edit\"><i class=\"fa "
                     "fa-pencil\"></i></button>",
                     item.id, id));
    w.end_object();
  }
  w.end_array().end_object().end_object();
  return w.take();
}

std::string crocodial_api_pass_hash(const TenantOptions& options) {
  return token_chars(derive(options.seed, 0, k_salt_pass_hash), 31, "./");
}

void crocodial_user_secrets(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out) {
  const auto seed = options.seed;
  out.push_back(token_chars(derive(seed, user.id, k_salt_pass), 12));
  out.push_back(token_chars(derive(seed, user.id, k_salt_pass_hash), 31, "./"));
  out.push_back(token_chars(derive(seed, user.id, k_salt_phone_pass), 10));
  out.push_back(token_chars(derive(seed, user.id, k_salt_voicemail), 10));
}

}  // namespace rosterd::sim::detail
