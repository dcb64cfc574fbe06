// Worksection admin API v2, get_users (Worksection's get_users page, docs/vendor-facts.md 2).
// Auth: hash = md5(<query string without hash> + api_key), the query taken as sent
// (the official Postman script signs the parameters in request order). No paging: one
// response holds every user.

#include <fmt/format.h>

#include <array>

#include "core/hash.hpp"
#include "sim/faults.hpp"
#include "sim/formatted.hpp"
#include "sim/generator.hpp"
#include "sim/json_item.hpp"
#include "sim/json_out.hpp"
#include "sim/vendors/worksection/worksection.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::string_view k_bad_hash =
    R"({"status":"error","status_code":2,"message":"Action hash is missed or invalid"})";
// Assumed: the vendor's status_code table is not in the stored docs.
constexpr std::string_view k_bad_action = R"({"status":"error","status_code":1,"message":"Action is invalid"})";

constexpr std::uint64_t k_salt_title = 0x601, k_salt_optional = 0x602, k_salt_role_case = 0x603, k_salt_rate = 0x604;
constexpr std::array<std::string_view, 6> k_titles = {"Project manager", "Developer",   "Designer",
                                                      "Account manager", "QA engineer", "Support specialist"};
constexpr std::array<std::string_view, 4> k_departments = {"Operations", "Engineering", "Commercial", "Back office"};

std::string_view raw_query(const httplib::Request& request) {
  const auto at = request.target.find('?');
  return at == std::string::npos ? std::string_view{} : std::string_view(request.target).substr(at + 1);
}

// The query without its hash parameter(s), pieces in request order.
std::string unsigned_query(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto piece = query.substr(0, end);
    if (piece.rfind("hash=", 0) != 0 && piece != "hash") {
      if (!out.empty()) out.push_back('&');
      out.append(piece);
    }
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return out;
}

// Role case varies between users and between responses (docs/vendor-facts.md 2.2): the FAQ
// says "account admin", the Postman example "Account admin".
std::string role_text(const TenantState& state, const SimUser& user) {
  std::string role = user.role;
  if (!role.empty() && (pick(state.options.seed, user.id, k_salt_role_case, 2) + state.listing_responses) % 2 == 1 &&
      role[0] >= 'a' && role[0] <= 'z') {
    role[0] = static_cast<char>(role[0] - 'a' + 'A');
  }
  return role;
}

void worksection_write_user(JsonOut& w, const TenantState& state, const SimUser& user) {
  const auto seed = state.options.seed;
  const auto optional = derive(seed, user.id, k_salt_optional);
  const auto has = [&](int bit) { return ((optional >> bit) & 3U) != 0; };  // three in four
  ItemWriter item(w, user);
  item.text("id", Formatted("{}", user.id))  // a string in the official example
      .text("first_name", user.first_name)
      .text("last_name", user.last_name)
      .text("name", user.full_name())
      .text("title", k_titles[pick(seed, user.id, k_salt_title, k_titles.size())])
      .text("url", Formatted("https://{}.worksection.com/account/user/{}/", state.options.name, user.id))
      .custom("services", [&](JsonOut& out) {
        // PHP encodes an empty array as [], not {}.
        out.begin_object().key("chats");
        if (has(2))
          out.begin_object().key("WhatsApp").value(user.phone.empty() ? "+15550100" : user.phone).end_object();
        else
          out.begin_array().end_array();
        out.key("socials");
        if (has(4))
          out.begin_object()
              .key("LinkedIn")
              .value(Formatted("https://linkedin.com/in/u{}", user.id).view())
              .end_object();
        else
          out.begin_array().end_array();
        out.end_object();
      });
  if (has(6)) item.text("contacts", Formatted("Telegram: @user{}", user.id));
  item.text("date_added", Formatted("2025-{:02}-{:02} {:02}:{:02}", 1 + optional % 12, 1 + (optional >> 8) % 28,
                                    (optional >> 16) % 24, (optional >> 24) % 60));
  if (has(8)) item.number("rate", 10 + static_cast<std::int64_t>(pick(seed, user.id, k_salt_rate, 60)));
  item.text("avatar", Formatted("https://{}.worksection.com/images/avatar/{}.png", state.options.name, user.id))
      .text("group", user.group)
      .text("department", k_departments[(optional >> 32) % k_departments.size()])
      .text("role", role_text(state, user))
      .text("email", user.email);
  if (!user.phone.empty()) item.text("phone", user.phone);
  if (has(10)) item.text("phone2", Formatted("+1 555 01{:02}", user.id % 100));
  if (has(12) && !has(14)) item.text("phone3", Formatted("+1 555 02{:02}", user.id % 100));
  if (!has(16)) item.text("phone4", Formatted("+1 555 03{:02}", user.id % 100));
  if (has(18)) item.text("address", Formatted("{} Main Street", 1 + user.id % 300));
  if (!has(20)) item.text("address2", Formatted("Suite {}", 1 + user.id % 40));
  item.finish();
}

std::string render_users(TenantState& state, bool duplicate, bool empty) {
  const auto& listed = state.users.listed();
  JsonOut w(TextStyle::json, listed.size() * 720);
  w.begin_object().key("status").value("ok").key("data").begin_array();
  if (!empty) {
    for (const auto position : listed) worksection_write_user(w, state, state.users.materialize(state.users.entry(position)));
    if (duplicate && !listed.empty()) worksection_write_user(w, state, state.users.materialize(state.users.entry(listed.front())));
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace

std::string worksection_hash(std::string_view query, std::string_view api_key) {
  return core::md5_hex(std::string(query) + std::string(api_key));
}

Reply handle_worksection(TenantState& state, const httplib::Request& request) {
  Reply reply;
  reply.content_type = "application/json; charset=utf-8";
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::listing);
  const auto query = raw_query(request);
  if (request.get_param_value("hash") != worksection_hash(unsigned_query(query), state.options.api_key)) {
    ++state.stats.auth_rejections;
    reply.set_body(std::string(k_bad_hash));
    return reply;
  }
  if (request.get_param_value("action") != "get_users") {
    reply.set_body(std::string(k_bad_action));
    return reply;
  }
  const auto fault = state.take_fault(Endpoint::listing, 1);
  if (fault) {
    if (auto replaced = replacing_reply(*fault)) return *replaced;
    state.apply_shift(*fault, false);
  }
  if (fault && (fault->kind == FaultKind::vendor_error || fault->kind == FaultKind::auth_failure)) {
    reply.set_body(std::string(
        fault->kind == FaultKind::vendor_error && fault->error == "invalid_action" ? k_bad_action : k_bad_hash));
  } else if (fault && (fault->kind == FaultKind::duplicate_ids || fault->kind == FaultKind::empty_listing)) {
    reply.set_body(
        render_users(state, fault->kind == FaultKind::duplicate_ids, fault->kind == FaultKind::empty_listing));
    ++state.stats.listing_pages;
  } else {
    const auto variant = state.listing_responses % 2;
    reply.body = state.page(fmt::format("users:{}", variant), [&] { return render_users(state, false, false); });
    ++state.stats.listing_pages;
  }
  ++state.listing_responses;
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

}  // namespace rosterd::sim::detail
