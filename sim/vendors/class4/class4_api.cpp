// Denovolab Class4 (the DNL API's user list page, docs/vendor-facts.md 4): POST /v1/auth
// {email_or_name, password} gives payload.token; GET /v1/user/list?page=&per_page=
// with X-Auth-Token lists users in 0-based pages with the total. The HTTP statuses of
// errors are undocumented: 401 for unauthenticated_error, 400 for validation_error
// are assumptions.

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
#include "sim/vendors/class4/class4.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::uint64_t k_salt_passwd = 0x801, k_salt_cdr = 0x802, k_salt_fields = 0x803, k_salt_token = 0x804;
constexpr std::string_view k_class4_no_token =
    R"({"error_type":"unauthenticated_error","success":false,"error":{"message":"No header X-Auth-Token present","code":110,"reason":"auth_token_not_provided"}})";
constexpr std::string_view k_class4_bad_token =
    R"({"error_type":"unauthenticated_error","success":false,"error":{"message":"Incorrect token provided","code":120,"reason":"incorrect_token_provided"}})";
// Assumed: the login failure's code and reason are undocumented.
constexpr std::string_view k_bad_login =
    R"({"error_type":"unauthenticated_error","success":false,"error":{"message":"Incorrect login or password","code":100,"reason":"incorrect_credentials"}})";

Formatted<40> class4_iso_time(std::int64_t unix_seconds, std::int64_t micros) {
  const std::int64_t days = unix_seconds / 86400, rest = unix_seconds % 86400;
  const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;  // civil date, Hinnant
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return Formatted<40>("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00", year, month, day, rest / 3600, rest / 60 % 60,
                       rest % 60, micros);
}

std::string passwd(std::uint64_t seed, std::int64_t id) {
  std::string hash = "$2b$12$";  // bcrypt-shaped, as the documented example
  hash += token_chars(derive(seed, id, k_salt_passwd), 53, "./");
  return hash;
}

std::optional<std::string> cdr_api_token(std::uint64_t seed, std::int64_t id) {
  if (id != 0 && pick(seed, id, k_salt_cdr, 4) != 0) return std::nullopt;  // non-null for about a quarter
  return token_chars(derive(seed, id, k_salt_cdr + 1), 32);
}

std::int64_t class4_role_id(std::string_view role) {
  if (role == "Client") return 1;  // the documented example
  if (role == "Admin") return 2;
  if (role == "Agent") return 3;
  if (role == "Viewer") return 4;
  return 5;
}

// A user's fields that SimUser does not hold, derived from the seed and the id. Times
// come from the seed, not the tenant clock, so that listings change only when users do.
struct Derived {
  std::string passwd, create_time, last_login_time, login_ip, cdr_api_token;  // empty = null
  std::int64_t is_online = 2;
  bool fullname = false;
};

Derived derive_fields(std::uint64_t seed, const SimUser& user) {
  const auto fields = derive(seed, user.id, k_salt_fields);
  const auto part = [&](int shift, std::uint64_t bound) {
    return static_cast<std::int64_t>((fields >> shift) % bound);
  };
  Derived out;
  out.passwd = passwd(seed, user.id);
  out.create_time = class4_iso_time(1518652924 + part(0, 3 * 365 * 86400), part(20, 1000000)).view();
  if (part(32, 2) == 0) {  // has logged in
    out.last_login_time = class4_iso_time(k_clock_epoch - part(8, 864000), part(40, 1000000)).view();
    out.login_ip = Formatted("10.{}.{}.{}", part(16, 256), part(24, 256), 1 + part(48, 254)).view();
  }
  out.cdr_api_token = cdr_api_token(seed, user.id).value_or("");
  out.is_online = part(12, 5) == 0 ? 1 : 2;
  out.fullname = part(4, 2) == 0;
  return out;
}

// Every field of the documented example, in its order.
void class4_write_user(JsonOut& w, std::uint64_t seed, const SimUser& user) {
  const Derived derived = derive_fields(seed, user);
  ItemWriter item(w, user);
  item.number("user_id", user.id)
      .text("passwd", derived.passwd)
      .text("user_type", user.group)
      .boolean("active", user.active)
      .null("carrier_name")
      .text("default_mod", "")
      .null("reseller_id")
      .boolean("outbound_report", true)
      .raw("client_limits", "[]")
      .text_or_null("last_name", user.last_name)
      .number("role_id", class4_role_id(user.role))
      .text_or_null("last_login_time", derived.last_login_time)
      .boolean("all_termination", true)
      .null("report_fields")
      .null("client")
      .text("report_count", "1 Hour")
      .text("name", user.username)
      .text_or_null("first_name", user.first_name)
      .null("cdr_expire")
      .boolean("is_preload", true)
      .null("landing_page")
      .text_or_null("login_ip", derived.login_ip)
      .text("default_mod2", "")
      .null("avatar_id")
      .null("create_user_id")
      .text("create_time", derived.create_time)
      .null("agent")
      .boolean("report_group", true)
      .raw("auth_ip", "[]")
      .number("default_billing_decimal", 4)
      .null("card_id")
      .text_or_null("email", user.email)
      .null("last_seen")
      .number("is_online", derived.is_online)
      .text("role_name", user.role);
  if (user.group == "client") {
    item.number("client_id", 2800 + user.id % 1000);
  } else {
    item.null("client_id");
  }
  item.text_or_null("fullname", derived.fullname ? user.full_name() : "")
      .text_or_null("cdr_api_token", derived.cdr_api_token)
      .boolean("show_carrier_trunk_drop_only", false);
  item.finish();
}

SimUser admin_user(const TenantOptions& options) {
  SimUser admin;
  admin.id = 1;
  admin.username = options.user;
  admin.email = options.user + "@" + options.name + ".example.com";
  admin.role = "Admin";
  admin.group = "admin";
  return admin;
}

struct Listing {
  std::int64_t page = 0, per_page = 0;  // per_page, or TenantState::default_page_size()
  bool ascending = false;               // the documented example lists newest first
  bool duplicate = false, empty = false;
};

std::string class4_render_page(TenantState& state, const Listing& listing) {
  const auto& listed = state.users.listed();
  const auto total = listing.empty ? 0 : static_cast<std::int64_t>(listed.size());
  const auto position_at = [&](std::int64_t i) {
    return listed[static_cast<std::size_t>(listing.ascending ? i : total - 1 - i)];
  };
  const std::int64_t first = std::min(total, listing.page * listing.per_page);
  const std::int64_t last = std::min(total, first + listing.per_page);
  JsonOut w(TextStyle::json, static_cast<std::size_t>(last - first + 1) * 1000);
  w.begin_object().key("success").value(true).key("payload").begin_object();
  w.key("per_page").value(listing.per_page).key("total").value(total).key("page").value(listing.page);
  w.key("items").begin_array();
  const auto write = [&](std::int64_t i) {
    class4_write_user(w, state.options.seed, state.users.materialize(state.users.entry(position_at(i))));
  };
  if (listing.duplicate && first < last) write(first > 0 ? first - 1 : first);  // the previous page's last
  for (std::int64_t i = first; i < last; ++i) write(i);
  w.end_array().end_object().end_object();
  return w.take();
}

// The page cache key of a listing's page (Tenant::prerender fills the same keys).
std::string class4_page_key(const Listing& listing) {
  return fmt::format("list:{}:{}:{}", listing.page, listing.per_page, listing.ascending ? 1 : 0);
}

std::optional<Reply> read_listing(const TenantState& state, const httplib::Request& request, Listing& listing) {
  listing.per_page = state.default_page_size();
  const auto invalid = [](std::string_view field) {
    return json_reply(
        400,
        fmt::format(R"({{"success":false,"error_type":"validation_error","errors":{{"{}":["Not a valid integer."]}}}})",
                    field));
  };
  if (request.has_param("page") && (!parse_int(request.get_param_value("page"), listing.page) || listing.page < 0)) {
    return invalid("page");
  }
  if (request.has_param("per_page") &&
      (!parse_int(request.get_param_value("per_page"), listing.per_page) || listing.per_page <= 0)) {
    return invalid("per_page");
  }
  listing.per_page = state.capped_page_size(listing.per_page);
  // The doc's table swaps the meanings of order_by and order_dir; take "asc" from either.
  listing.ascending = request.get_param_value("order_dir") == "asc" || request.get_param_value("order_by") == "asc";
  return std::nullopt;
}

// vendor_error shapes by name (README.md). The error types are the codegen client's
// (docs/vendor-facts.md 4.4); their codes beyond 110 and 120, and all statuses, are assumed.
Reply class4_error(const Fault& fault) {
  Reply reply;
  if (fault.error == "auth_token_not_provided") {
    reply = json_reply(401, std::string(k_class4_no_token));
  } else if (fault.error == "validation_error") {
    reply = json_reply(
        400, R"({"success":false,"error_type":"validation_error","errors":{"page":["Not a valid integer."]}})");
  } else if (fault.error == "not_found_error") {
    reply = json_reply(404, R"({"success":false,"error_type":"not_found_error"})");
  } else if (fault.error == "operation_error") {
    reply = json_reply(
        400,
        R"({"success":false,"error_type":"operation_error","error":{"code":300,"reason":"operation_failed","message":"Operation failed"}})");
  } else {
    reply = json_reply(401, std::string(k_class4_bad_token));
  }
  if (fault.status > 0) reply.status = fault.status;
  return reply;
}

}  // namespace

void class4_user_secrets(const TenantOptions& options, const SimUser& user, std::vector<std::string>& out) {
  out.push_back(passwd(options.seed, user.id));
  if (auto cdr = cdr_api_token(options.seed, user.id)) out.push_back(std::move(*cdr));
}

std::size_t prerender_class4(TenantState& state, std::int64_t page_size) {
  const auto total = static_cast<std::int64_t>(state.users.listed().size());
  const auto pages = std::max<std::int64_t>(1, (total + page_size - 1) / page_size);
  Listing listing;
  listing.per_page = page_size;
  for (listing.page = 0; listing.page < pages; ++listing.page)
    state.page(class4_page_key(listing), [&] { return class4_render_page(state, listing); });
  return static_cast<std::size_t>(pages);
}

Reply handle_class4_auth(TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::login);
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  std::string_view name, password;
  if (parser.parse(request.body).get(body) != simdjson::SUCCESS ||
      body["email_or_name"].get(name) != simdjson::SUCCESS || body["password"].get(password) != simdjson::SUCCESS) {
    ++state.stats.login_failures;
    return json_reply(
        400,
        R"({"success":false,"error_type":"validation_error","errors":{"email_or_name":["Missing data for required field."]}})");
  }
  const auto fault = state.take_fault(Endpoint::login, 0);
  if (fault) {
    if (auto replaced = replacing_reply(*fault)) return *replaced;
  }
  const SimUser admin = admin_user(state.options);
  const bool known = name == admin.username || name == admin.email;
  if (!known || password != state.options.password || (fault && fault->kind == FaultKind::auth_failure)) {
    ++state.stats.login_failures;
    return json_reply(401, std::string(k_bad_login));
  }
  ++state.stats.logins;
  const auto now = state.now();
  std::string token =
      jwt_like(fmt::format(R"({{"user_id":1,"iat":{},"exp":{}}})", now, now + state.options.token_ttl.count()),
               derive(state.options.seed, static_cast<std::int64_t>(state.tokens_issued), k_salt_token));
  state.add_token(token);
  JsonOut w;
  w.begin_object().key("success").value(true).key("payload").begin_object().key("token").value(token);
  w.key("user");
  class4_write_user(w, state.options.seed, admin);
  w.key("cdr_api_token").value(*cdr_api_token(state.options.seed, 0));
  w.key("cdr_api_token_expiration").value(class4_iso_time(now + 30 * 86400, 0).view());
  w.end_object().end_object();
  Reply reply = json_reply(200, w.take());
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

Reply handle_class4_list(TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::listing);
  if (!request.has_header("X-Auth-Token")) {
    ++state.stats.auth_rejections;
    return json_reply(401, std::string(k_class4_no_token));
  }
  if (!state.token_valid(request.get_header_value("X-Auth-Token"))) {
    ++state.stats.auth_rejections;
    return json_reply(401, std::string(k_class4_bad_token));
  }
  Listing listing;
  if (auto invalid = read_listing(state, request, listing)) return *invalid;
  const auto fault = state.take_fault(Endpoint::listing, static_cast<int>(listing.page + 1));
  if (fault) {
    if (auto replaced = replacing_reply(*fault)) return *replaced;
    switch (fault->kind) {
      case FaultKind::expire_token:
        state.revoke_tokens();
        [[fallthrough]];
      case FaultKind::auth_failure:
        ++state.stats.auth_rejections;
        return json_reply(401, std::string(k_class4_bad_token));
      case FaultKind::vendor_error:
        return class4_error(*fault);
      case FaultKind::duplicate_ids:
        listing.duplicate = true;
        break;
      case FaultKind::empty_listing:
        listing.empty = true;
        break;
      default:
        state.apply_shift(*fault, !listing.ascending);
        break;
    }
  }
  Reply reply;
  if (listing.duplicate || listing.empty) {
    reply.set_body(class4_render_page(state, listing));
  } else {
    reply.body = state.page(class4_page_key(listing), [&] { return class4_render_page(state, listing); });
  }
  ++state.stats.listing_pages;
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

}  // namespace rosterd::sim::detail
