// Tata Smartflo (Smartflo's Fetch Multiple Users page, docs/vendor-facts.md 3): POST /v1/auth/login
// {email, password} gives a 1-hour JWT; GET /v1/users?limit=&last_seen_id= with
// "Authorization: Bearer <token>" walks users by ascending id with a cursor.

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "sim/faults.hpp"
#include "sim/formatted.hpp"
#include "sim/generator.hpp"
#include "sim/json_item.hpp"
#include "sim/json_out.hpp"
#include "sim/query_values.hpp"
#include "sim/vendors/smartflo/smartflo.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::uint64_t k_salt_agent = 0x701, k_smartflo_salt_flags = 0x702, k_salt_jwt = 0x703;
// Assumed: the 401 bodies of /v1/users are undocumented (docs/vendor-facts.md 3.2).
constexpr std::string_view k_smartflo_no_token = R"({"success":false,"message":"Authorization Token not found"})";
constexpr std::string_view k_smartflo_bad_token = R"({"success":false,"message":"Token is Expired"})";
// docs/vendor-facts.md 3.3: `success` is the string "false" here; spacing as documented.
constexpr std::string_view k_smartflo_too_many_requests = R"({ "success": "false", "message": "Too many requests." })";

std::int64_t smartflo_role_id(std::string_view role) {
  if (role == "Admin") return 54625;
  if (role == "Agent") return 54627;
  if (role == "Supervisor") return 54628;
  if (role == "Quality") return 54630;  // the documented example
  return 54600 + static_cast<std::int64_t>(mix64(std::hash<std::string_view>{}(role)) % 1000);
}

void smartflo_write_user(JsonOut& w, const TenantState& state, const SimUser& user) {
  const auto seed = state.options.seed;
  const auto flags = derive(seed, user.id, k_smartflo_salt_flags);
  ItemWriter item(w, user);
  item.number("id", user.id)
      .text("name", user.full_name())
      .custom("agent",
              [&](JsonOut& out) {
                // A string with a leading zero (docs/vendor-facts.md 3.2). Status: 0 enabled, 2 disabled,
                // 3 busy, 4 offline.
                const std::int64_t status = !user.active ? 2 : flags % 10 == 0 ? 3 : flags % 10 == 1 ? 4 : 0;
                out.begin_object().key("id").value(
                    Formatted("0{:012}", derive(seed, user.id, k_salt_agent) % 1000000000000).view());
                out.key("name").value(user.full_name()).key("status").value(status).key("follow_me_number");
                if (user.phone.empty())
                  out.null();
                else
                  out.value(user.phone);
                out.end_object();
              })
      .text("login_id", user.username)
      .boolean("is_login_based_calling_enabled", ((flags >> 8) & 1U) != 0)
      .boolean("is_international_outbound_enabled", ((flags >> 9) & 3U) == 0)
      .custom("user_role",
              [&](JsonOut& out) {
                out.begin_object().key("id").value(smartflo_role_id(user.role)).key("name").value(user.role).end_object();
              })
      .text_or_null("extension", user.extension)
      .number("user_status", user.active ? 1 : 0);
  item.finish();
}

struct Cursor {
  std::int64_t limit = 0;  // limit, or TenantState::default_page_size()
  std::int64_t last_seen_id = 0;
};

struct PageFlags {
  bool stuck = false, duplicate = false, empty = false;
};

std::string smartflo_render_page(TenantState& state, const Cursor& cursor, const PageFlags& flags) {
  const auto& listed = state.users.listed();
  const auto start =
      std::upper_bound(listed.begin(), listed.end(), cursor.last_seen_id,
                       [&](std::int64_t id, std::uint32_t position) { return id < state.users.entry(position).id; });
  const auto available = static_cast<std::int64_t>(listed.end() - start);
  const auto count = flags.empty ? 0 : std::min(cursor.limit, available);
  std::vector<std::uint32_t> page(start, start + count);
  if (flags.duplicate && !page.empty()) {
    if (start != listed.begin())
      page.insert(page.begin(), *(start - 1));  // the previous page's last
    else
      page.push_back(page.front());
  }
  JsonOut w(TextStyle::json, page.size() * 450 + 100);
  const bool more = !flags.empty && count < available;
  std::int64_t last_seen = page.empty() ? cursor.last_seen_id : state.users.entry(page.back()).id;
  if (flags.stuck) last_seen = cursor.last_seen_id;
  w.begin_object().key("has_more").value(more || flags.stuck);
  w.key("count").value(static_cast<std::int64_t>(page.size())).key("last_seen_id").value(last_seen);
  w.key("data").begin_array();
  for (const auto position : page) smartflo_write_user(w, state, state.users.materialize(state.users.entry(position)));
  w.end_array().end_object();
  return w.take();
}

// The page cache key of a cursor's page (Tenant::prerender fills the same keys).
std::string smartflo_page_key(const Cursor& cursor) {
  return fmt::format("users:{}:{}", cursor.limit, cursor.last_seen_id);
}

// The 1-based page of the cursor walk this request is: users before the cursor / limit.
int smartflo_page_number(TenantState& state, const Cursor& cursor) {
  const auto& listed = state.users.listed();
  const auto before =
      std::upper_bound(listed.begin(), listed.end(), cursor.last_seen_id,
                       [&](std::int64_t id, std::uint32_t position) { return id < state.users.entry(position).id; }) -
      listed.begin();
  return static_cast<int>(before / cursor.limit) + 1;
}

std::string bearer_token(const httplib::Request& request) {
  const std::string header = request.get_header_value("Authorization");
  if (header.size() > 7 && (header.rfind("Bearer ", 0) == 0 || header.rfind("bearer ", 0) == 0))
    return header.substr(7);
  return header;  // Servetel's docs send the bare token
}

std::string issue_jwt(TenantState& state) {
  const auto now = state.now();
  const auto key = derive(state.options.seed, static_cast<std::int64_t>(state.tokens_issued), k_salt_jwt);
  std::string token =
      jwt_like(fmt::format(R"({{"iss":"https://cloudphone.tatateleservices.com/token/generate","iat":{0},"exp":{1},)"
                           R"("nbf":{0},"jti":"{2}"}})",
                           now, now + state.options.token_ttl.count(), token_chars(key, 16)),
               key);
  state.add_token(token);
  return token;
}

// IST wall-clock time "YYYY-MM-DD HH:MM:SS", as the retry_after of a locked login.
std::string ist_time(std::int64_t unix_seconds) {
  const std::int64_t local = unix_seconds + 5 * 3600 + 1800;
  const std::int64_t days = local / 86400, rest = local % 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", year, month, day, rest / 3600, rest / 60 % 60, rest % 60);
}

// Repeated logins lock real accounts (docs/vendor-facts.md 3.1, third-party report): the answer
// is assumed to be a 429 with a retry_after datetime, as that report handles.
std::optional<Reply> lockout(TenantState& state) {
  if (state.options.login_lockout_after <= 0) return std::nullopt;
  const auto now = state.now();
  const auto window = state.options.login_lockout_window.count();
  while (!state.login_attempts.empty() && state.login_attempts.front() <= now - window)
    state.login_attempts.pop_front();
  state.login_attempts.push_back(now);
  if (static_cast<int>(state.login_attempts.size()) <= state.options.login_lockout_after) return std::nullopt;
  return json_reply(
      429, fmt::format(R"({{"success":false,"message":"Too many login attempts. Account locked.","retry_after":"{}"}})",
                       ist_time(state.login_attempts.front() + window)));
}

Reply login_failure(TenantState& state) {
  ++state.stats.login_failures;
  ++state.login_failed_count;
  // Assumed status: the docs show only the body.
  return json_reply(
      401,
      fmt::format(R"({{"success":false,"message":"The username or password is incorrect.","login_failed_count":{}}})",
                  state.login_failed_count));
}

// vendor_error shapes by name (README.md); the default is the documented 429.
Reply smartflo_error(TenantState& state, const Fault& fault) {
  Reply reply;
  if (fault.error == "login_failed") {
    reply = login_failure(state);
  } else if (fault.error == "invalid_credentials") {
    reply = json_reply(400, R"({"success":false,"message":"Invalid credentials"})");
  } else if (fault.error == "unauthorized") {
    reply = json_reply(401, std::string(k_smartflo_bad_token));
  } else {
    reply = json_reply(429, std::string(k_smartflo_too_many_requests));
  }
  if (fault.status > 0) reply.status = fault.status;
  return reply;
}

}  // namespace

std::size_t prerender_smartflo(TenantState& state, std::int64_t page_size) {
  Cursor cursor{page_size, 0};
  for (std::size_t pages = 1;; ++pages) {
    state.page(smartflo_page_key(cursor), [&] { return smartflo_render_page(state, cursor, PageFlags{}); });
    const auto& listed = state.users.listed();
    const auto start =
        std::upper_bound(listed.begin(), listed.end(), cursor.last_seen_id,
                         [&](std::int64_t id, std::uint32_t position) { return id < state.users.entry(position).id; });
    if (listed.end() - start <= page_size) return pages;  // this page said has_more: false
    cursor.last_seen_id = state.users.entry(*(start + page_size - 1)).id;
  }
}

Reply handle_smartflo_login(TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::login);
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  std::string_view email, password;
  if (parser.parse(request.body).get(body) != simdjson::SUCCESS || body["email"].get(email) != simdjson::SUCCESS ||
      body["password"].get(password) != simdjson::SUCCESS) {
    ++state.stats.login_failures;
    return json_reply(400, R"({"success":false,"message":"Invalid credentials"})");
  }
  if (auto locked = lockout(state)) return *locked;
  const auto fault = state.take_fault(Endpoint::login, 0);
  if (fault) {
    if (auto replaced = replacing_reply(*fault, k_smartflo_too_many_requests)) return *replaced;
    if (fault->kind == FaultKind::auth_failure) return login_failure(state);
    if (fault->kind == FaultKind::vendor_error) return smartflo_error(state, *fault);
  }
  if (email != state.options.user || password != state.options.password) return login_failure(state);
  ++state.stats.logins;
  state.login_failed_count = 0;
  JsonOut w;
  w.begin_object().key("success").value(true).key("access_token").value(issue_jwt(state));
  w.key("token_type")
      .value("bearer")
      .key("expires_in")
      .value(static_cast<std::int64_t>(state.options.token_ttl.count()));
  w.key("number_of_days_left").value(30).end_object();
  Reply reply = json_reply(200, w.take());
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

Reply handle_smartflo_users(TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::listing);
  const std::string token = bearer_token(request);
  if (token.empty() || !state.token_valid(token)) {
    ++state.stats.auth_rejections;
    return json_reply(401, std::string(token.empty() ? k_smartflo_no_token : k_smartflo_bad_token));
  }
  Cursor cursor;
  cursor.limit = state.default_page_size();
  if ((request.has_param("limit") && !parse_int(request.get_param_value("limit"), cursor.limit)) ||
      (request.has_param("last_seen_id") && !parse_int(request.get_param_value("last_seen_id"), cursor.last_seen_id)) ||
      cursor.limit <= 0) {
    return json_reply(422, R"({"success":false,"message":"The given data was invalid."})");  // assumed
  }
  cursor.limit = state.capped_page_size(cursor.limit);

  const auto fault = state.take_fault(Endpoint::listing, smartflo_page_number(state, cursor));
  PageFlags flags;
  if (fault) {
    if (auto replaced = replacing_reply(*fault, k_smartflo_too_many_requests)) return *replaced;
    switch (fault->kind) {
      case FaultKind::expire_token:
        state.revoke_tokens();
        [[fallthrough]];
      case FaultKind::auth_failure:
        ++state.stats.auth_rejections;
        return json_reply(401, std::string(k_smartflo_bad_token));
      case FaultKind::vendor_error:
        return smartflo_error(state, *fault);
      case FaultKind::stuck_cursor:
        flags.stuck = true;
        break;
      case FaultKind::duplicate_ids:
        flags.duplicate = true;
        break;
      case FaultKind::empty_listing:
        flags.empty = true;
        break;
      default:
        state.apply_shift(*fault, false);
        break;
    }
  }
  Reply reply;
  if (flags.stuck || flags.duplicate || flags.empty) {
    reply.set_body(smartflo_render_page(state, cursor, flags));
  } else {
    reply.body = state.page(smartflo_page_key(cursor), [&] { return smartflo_render_page(state, cursor, flags); });
  }
  ++state.stats.listing_pages;
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

}  // namespace rosterd::sim::detail
