#include "sources/crocodial/crocodial_user_info_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "model/normalize.hpp"

namespace rosterd::sources::crocodial {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// docs/vendor-facts.md 1.2: "Invalid value in user. Doesn't exist" (getUserInfo's unknown user).
constexpr std::string_view k_invalid_value_code = "41004";

using StatsField = std::int64_t model::UserStats::*;
// getUserInfo's user_stats as documented (CrocoDial's users API pages; the
// vendor spells "avalible").
constexpr std::pair<std::string_view, StatsField> k_durations[] = {
    {"login_time", &model::UserStats::login_seconds},   {"after_call", &model::UserStats::after_call_seconds},
    {"break", &model::UserStats::break_seconds},        {"pause", &model::UserStats::pause_seconds},
    {"avalible", &model::UserStats::available_seconds}, {"avg_wait", &model::UserStats::avg_wait_seconds},
    {"talk", &model::UserStats::talk_seconds},          {"talk_avalible", &model::UserStats::talk_available_seconds},
};
constexpr std::pair<std::string_view, StatsField> k_counts[] = {
    {"total_calls", &model::UserStats::total_calls},
    {"denied", &model::UserStats::denied},
    {"lip", &model::UserStats::lip},
    {"vrf", &model::UserStats::vrf},
    {"sales", &model::UserStats::sales},
};
// user_info fields the users listing owns (README, "Vendors": user_id, user, name; level).
constexpr std::string_view k_listing_fields[] = {"user_id", "user", "full_name", "user_level"};

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t digits_value(std::string_view digits) {
  std::int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

struct ClockText {
  std::int64_t hours = 0;
  std::int64_t minutes = 0;
  std::int64_t seconds = 0;
};

// "H:MM:SS" with 1..9 hour digits and two-digit minutes and seconds below 60.
std::optional<ClockText> read_clock(std::string_view text) {
  const auto first = text.find(':');
  if (first == std::string_view::npos || first == 0 || first > 9) return std::nullopt;
  const auto hours = text.substr(0, first);
  const auto rest = text.substr(first + 1);
  if (rest.size() != 5 || rest[2] != ':') return std::nullopt;
  const auto minutes = rest.substr(0, 2);
  const auto seconds = rest.substr(3, 2);
  if (!all_digits(hours) || !all_digits(minutes) || !all_digits(seconds)) return std::nullopt;
  ClockText clock{digits_value(hours), digits_value(minutes), digits_value(seconds)};
  if (clock.minutes > 59 || clock.seconds > 59) return std::nullopt;
  return clock;
}

core::Error unexpected_text(std::string_view path, std::string_view wanted, std::string_view text) {
  return parse_error(path, fmt::format("expected {}, got \"{}\"", wanted, safe_excerpt(text, 32)));
}

// The value of a field the result cannot do without.
core::Result<element> required(RecordReader& reader, const FieldFilter& filter, std::string_view key) {
  if (auto value = reader.take(key)) return *value;
  return parse_error(reader.field_path(key), filter.drops(key) ? "missing (dropped by the filter)" : "missing");
}

core::Result<std::int64_t> duration_seconds(element value, std::string_view path) {
  if (value.type() != element_type::STRING) {
    return parse_error(path, fmt::format("expected \"HH:MM:SS\", got {}", type_name(value.type())));
  }
  const auto text = model::trim(value.get_string().value_unsafe());
  const auto clock = read_clock(text);
  if (!clock) return unexpected_text(path, "\"HH:MM:SS\"", text);
  return clock->hours * 3600 + clock->minutes * 60 + clock->seconds;
}

core::Result<std::int64_t> count_value(element value, std::string_view path) {
  if (value.type() == element_type::STRING) {
    const auto text = model::trim(value.get_string().value_unsafe());
    if (!all_digits(text) || text.size() > 18) return unexpected_text(path, "a non-negative integer", text);
    return digits_value(text);
  }
  auto number = as_integer(value, path);
  if (!number) return std::move(number).error();
  if (*number < 0) return parse_error(path, fmt::format("expected a non-negative integer, got {}", *number));
  return *number;
}

// first_activity / last_activity: a time of day, kept as text.
core::Result<std::optional<std::string>> time_of_day(RecordReader& reader, std::string_view key) {
  const auto path = reader.field_path(key);
  auto value = reader.take(key);
  if (!value || value->type() == element_type::NULL_VALUE) return std::optional<std::string>();
  if (value->type() != element_type::STRING) {
    return parse_error(path, fmt::format("expected \"HH:MM:SS\", got {}", type_name(value->type())));
  }
  const auto text = model::trim(value->get_string().value_unsafe());
  if (text.empty()) return std::optional<std::string>();
  const auto clock = read_clock(text);
  if (!clock || clock->hours > 23) return unexpected_text(path, "a time of day \"HH:MM:SS\"", text);
  return std::optional<std::string>(fmt::format("{:02}:{:02}:{:02}", clock->hours, clock->minutes, clock->seconds));
}

// "87%", "87.5%", "87" or a number; null, "" or absent -> nullopt.
core::Result<std::optional<double>> percentage(RecordReader& reader, std::string_view key) {
  const auto path = reader.field_path(key);
  auto value = reader.take(key);
  if (!value || value->type() == element_type::NULL_VALUE) return std::optional<double>();
  double number = 0;
  switch (value->type()) {
    case element_type::INT64:
      number = static_cast<double>(value->get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      number = static_cast<double>(value->get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      number = value->get_double().value_unsafe();
      break;
    case element_type::STRING: {
      const auto served = model::trim(value->get_string().value_unsafe());
      if (served.empty()) return std::optional<double>();
      auto text = served;
      if (text.back() == '%') text = model::trim(text.substr(0, text.size() - 1));
      const auto dot = text.find('.');
      const bool shaped = dot == std::string_view::npos
                              ? all_digits(text)
                              : all_digits(text.substr(0, dot)) && all_digits(text.substr(dot + 1));
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (!shaped || ec != std::errc{} || end != text.data() + text.size()) {
        return unexpected_text(path, "a percentage like \"87%\"", served);
      }
      break;
    }
    default:
      return parse_error(path, fmt::format("expected a percentage, got {}", type_name(value->type())));
  }
  if (!std::isfinite(number) || number < 0) return parse_error(path, "expected a non-negative percentage");
  return std::optional<double>(number);
}

core::Result<model::UserStats> read_user_stats(element value, const FieldFilter& filter) {
  auto reader = RecordReader::open(value, "data.user_stats", filter);
  if (!reader) return std::move(reader).error();
  model::UserStats stats;
  for (const auto& [key, member] : k_durations) {
    auto field = required(*reader, filter, key);
    if (!field) return std::move(field).error();
    auto seconds = duration_seconds(*field, reader->field_path(key));
    if (!seconds) return std::move(seconds).error();
    stats.*member = *seconds;
  }
  for (const auto& [key, member] : k_counts) {
    auto field = required(*reader, filter, key);
    if (!field) return std::move(field).error();
    auto count = count_value(*field, reader->field_path(key));
    if (!count) return std::move(count).error();
    stats.*member = *count;
  }
  for (auto [key, member] : {std::pair{"first_activity", &model::UserStats::first_activity},
                             std::pair{"last_activity", &model::UserStats::last_activity}}) {
    auto time = time_of_day(*reader, key);
    if (!time) return std::move(time).error();
    stats.*member = std::move(*time);
  }
  auto sla = percentage(*reader, "sla_productivity");
  if (!sla) return std::move(sla).error();
  stats.sla_productivity = *sla;
  return stats;
}

core::Result<model::UserInfo> read_user_info(element value, const FieldFilter& filter) {
  auto reader = RecordReader::open(value, "data.user_info", filter);
  if (!reader) return std::move(reader).error();
  for (const auto key : k_listing_fields) reader->take(key);
  model::UserInfo info;
  auto email = reader->take_text("email");
  if (!email) return std::move(email).error();
  if (*email) info.email = model::normalize_email(**email);
  for (auto [key, member] :
       {std::pair{"user_group", &model::UserInfo::user_group}, std::pair{"phone_login", &model::UserInfo::phone}}) {
    auto text = reader->take_text(key);
    if (!text) return std::move(text).error();
    info.*member = std::move(*text);
  }
  auto attributes = reader->rest(model::k_user_info_prefix);
  if (!attributes) return std::move(attributes).error();
  info.attributes = std::move(*attributes);
  return info;
}

core::Result<RecordReader> open_data(const Envelope& envelope, const FieldFilter& filter) {
  auto data = find_field(envelope.root, "data");
  if (!data) return parse_error("data", "missing");
  return RecordReader::open(*data, "data", filter);
}

// "PAUSE - LUNCH BREAK" -> {"PAUSE", "LUNCH BREAK"}; other statuses stay whole.
void split_status(std::string_view text, model::AgentState& state) {
  const auto dash = text.find('-');
  if (dash != std::string_view::npos && model::trim(text.substr(0, dash)) == "PAUSE") {
    state.status = "PAUSE";
    state.pause_reason = model::text_or_null(text.substr(dash + 1));
    return;
  }
  state.status = std::string(text);
}

// lead_id as a JSON number; a numeric string is accepted and stored as the number.
core::Result<std::string> lead_id_json(element value, std::string_view path) {
  if (value.type() == element_type::NULL_VALUE) return std::string("null");
  auto number = count_value(value, path);
  if (!number) return std::move(number).error();
  return std::to_string(*number);
}

// conf_exten as a JSON string; a number is stored as its digits.
core::Result<std::string> conf_exten_json(element value, const FieldFilter& filter, std::string_view path) {
  if (value.type() == element_type::INT64 || value.type() == element_type::UINT64) {
    auto text = scalar_text(value, path);
    if (!text) return std::move(text).error();
    return fmt::format("\"{}\"", text->value_or(""));
  }
  return canonical_json(value, filter, path);
}

core::Status read_call_fields(RecordReader& reader, const FieldFilter& filter, model::AgentState& state) {
  for (auto [key, member] : {std::pair{"campaign_id", &model::AgentState::campaign_id},
                             std::pair{"campaign_name", &model::AgentState::campaign_name},
                             std::pair{"call_type", &model::AgentState::call_type}}) {
    auto text = reader.take_text(key);
    if (!text) return std::move(text).error();
    if (*text) {
      if (auto printable = reject_control_characters(**text, reader.field_path(key)); !printable) {
        return std::move(printable).error();
      }
    }
    state.*member = std::move(*text);
  }
  if (auto lead = reader.take("lead_id")) {
    auto json = lead_id_json(*lead, reader.field_path("lead_id"));
    if (!json) return std::move(json).error();
    state.attributes.insert_or_assign("lead_id", std::move(*json));
  }
  if (auto exten = reader.take("conf_exten")) {
    auto json = conf_exten_json(*exten, filter, reader.field_path("conf_exten"));
    if (!json) return std::move(json).error();
    state.attributes.insert_or_assign("conf_exten", std::move(*json));
  }
  return {};
}

std::optional<std::string> error_code(JsonBody body, JsonDocumentParser& parser) {
  auto root = parser.parse(body.substr(leading_garbage_length(body)));
  if (!root || root->type() != element_type::OBJECT) return std::nullopt;
  auto code = find_field(root->get_object().value_unsafe(), "code");
  if (!code) return std::nullopt;
  auto text = scalar_text(*code, "code");
  return text ? *text : std::nullopt;
}

}  // namespace

core::Result<Envelope> parse_per_user_envelope(JsonBody body, JsonDocumentParser& parser) {
  auto envelope = parse_envelope(body, parser);
  if (envelope || envelope.error().kind != core::ErrorKind::vendor) return envelope;
  if (error_code(body, parser) == k_invalid_value_code) {
    return core::Error{core::ErrorKind::not_found, fmt::format("unknown user ({})", envelope.error().message)};
  }
  return envelope;
}

core::Result<model::UserInfoResult> user_info_from(const Envelope& envelope, const FieldFilter& filter) {
  if (envelope.no_rows) return core::Error{core::ErrorKind::not_found, "unknown user (CrocoDial error 10010: no rows)"};
  auto data = open_data(envelope, filter);
  if (!data) return std::move(data).error();
  auto info_value = required(*data, filter, "user_info");
  if (!info_value) return std::move(info_value).error();
  auto stats_value = required(*data, filter, "user_stats");
  if (!stats_value) return std::move(stats_value).error();
  auto info = read_user_info(*info_value, filter);
  if (!info) return std::move(info).error();
  auto stats = read_user_stats(*stats_value, filter);
  if (!stats) return std::move(stats).error();
  return model::UserInfoResult{std::move(*info), std::move(*stats)};
}

core::Result<model::AgentState> live_agent_info_from(const Envelope& envelope, const FieldFilter& filter) {
  model::AgentState state;
  if (envelope.no_rows) {
    state.status = std::string(k_logged_out_status);
    return state;
  }
  auto data = open_data(envelope, filter);
  if (!data) return std::move(data).error();
  auto status = data->take_text("status");
  if (!status) return std::move(status).error();
  if (!*status) return parse_error(data->field_path("status"), "missing or empty");
  // The state's line in the log prints status, pause reason and campaign unquoted.
  if (auto printable = reject_control_characters(**status, data->field_path("status")); !printable) {
    return std::move(printable).error();
  }
  split_status(**status, state);
  if (auto call = read_call_fields(*data, filter, state); !call) return std::move(call).error();
  auto attributes = data->rest();
  if (!attributes) return std::move(attributes).error();
  state.attributes.merge(*attributes);
  return state;
}

core::Result<model::UserInfoResult> parse_user_info(JsonBody body, JsonDocumentParser& parser,
                                                    const FieldFilter& filter) {
  auto envelope = parse_per_user_envelope(body, parser);
  if (!envelope) return std::move(envelope).error();
  return user_info_from(*envelope, filter);
}

core::Result<model::AgentState> parse_live_agent_info(JsonBody body, JsonDocumentParser& parser,
                                                      const FieldFilter& filter) {
  auto envelope = parse_per_user_envelope(body, parser);
  if (!envelope) return std::move(envelope).error();
  return live_agent_info_from(*envelope, filter);
}

}  // namespace rosterd::sources::crocodial
