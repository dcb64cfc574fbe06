// SCIM 2.0 Users listing (RFC 7644 3.4.2): GET /scim/v2/Users?startIndex=&count= with
// "Authorization: Bearer <token>" (a static token, as identity providers issue to a
// provisioning client) answers a ListResponse of core Users with the enterprise
// extension (RFC 7643 4.1, 4.3), in creation (id) order. Every answer, errors included,
// is application/scim+json; errors have the RFC 7644 3.12 shape (status as a string).
//
// Quirks of real providers reproduced here: a page never holds more than the server's
// cap, whatever `count` asks (RFC 7644 3.4.2.4 allows fewer), so a client must advance
// startIndex by the Resources it received; totalResults moves while a client pages
// (shift faults); the first e-mail is not always the primary one.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <stdexcept>

#include "sim/faults.hpp"
#include "sim/formatted.hpp"
#include "sim/generator.hpp"
#include "sim/json_item.hpp"
#include "sim/json_out.hpp"
#include "sim/query_values.hpp"
#include "sim/vendors/scim/scim.hpp"

namespace rosterd::sim::detail {
namespace {

constexpr std::uint64_t k_salt_id_high = 0x901, k_salt_id_low = 0x902, k_salt_external_high = 0x903,
                        k_salt_external_low = 0x904, k_scim_salt_flags = 0x905, k_salt_employee = 0x906, k_salt_home = 0x907,
                        k_salt_created = 0x908;

constexpr std::string_view k_content_type = "application/scim+json";
constexpr std::string_view k_list_schemas = R"(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])";
constexpr std::string_view k_user_schemas =
    R"(["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])";
constexpr std::string_view k_enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr std::string_view k_error_schemas = R"(["urn:ietf:params:scim:api:messages:2.0:Error"])";
// Assumed: RFC 7644 names no status for rate limits; providers answer 429 in the error shape.
constexpr std::string_view k_scim_too_many_requests =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"429","detail":"Too many requests"})";

// Generated users were created in the five years before the tenant clock's epoch.
constexpr std::int64_t k_created_from = k_clock_epoch - 5 * 365 * 86400;

// xsd:dateTime in UTC, as RFC 7643 2.3.5 and its examples write it.
Formatted<24> scim_iso_time(std::int64_t unix_seconds) {
  const std::int64_t days = unix_seconds / 86400, rest = unix_seconds % 86400;
  const std::int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;  // civil date, Hinnant
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return Formatted<24>("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, rest / 3600, rest / 60 % 60,
                       rest % 60);
}

// A random (version 4) UUID's layout from two derived values.
Formatted<40> uuid(std::uint64_t high, std::uint64_t low) {
  high = (high & ~std::uint64_t{0xf000}) | 0x4000;
  low = (low & ~(std::uint64_t{3} << 62)) | (std::uint64_t{2} << 62);
  return Formatted<40>("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff, high & 0xffff,
                       low >> 48, low & 0xffffffffffff);
}

// FNV-1a over what a Resource shows of the user: meta.lastModified and meta.version move
// when, and only when, one of these changes.
std::uint64_t content_hash(const SimUser& user) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto add = [&](std::string_view text) {
    for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    hash = (hash ^ 0xffU) * 0x100000001b3ULL;  // a separator, so that "ab","c" differs from "a","bc"
  };
  for (const auto* field :
       {&user.username, &user.first_name, &user.last_name, &user.email, &user.phone, &user.role, &user.group})
    add(*field);
  add(user.active ? "1" : "0");
  for (const auto& [key, json] : user.extra_json) {
    add(key);
    add(json);
  }
  return hash;
}

void scim_write_user(JsonOut& w, std::uint64_t seed, std::string_view location_prefix, const SimUser& user) {
  const std::string id = scim_user_id(seed, user.id);
  const auto flags = derive(seed, user.id, k_scim_salt_flags);
  const std::int64_t created =
      k_created_from + static_cast<std::int64_t>(derive(seed, user.id, k_salt_created) % (4 * 365 * 86400));
  const std::uint64_t content = mix64(content_hash(user) ^ derive(seed, user.id, k_salt_created));
  const std::int64_t modified =
      created + static_cast<std::int64_t>(content % static_cast<std::uint64_t>(k_clock_epoch - 86400 - created));
  const std::string full_name = user.full_name();
  ItemWriter item(w, user);
  item.raw("schemas", k_user_schemas).text("id", id);
  if (flags % 3 != 0) {  // provisioned from an upstream directory: its object id
    item.text("externalId",
              uuid(derive(seed, user.id, k_salt_external_high), derive(seed, user.id, k_salt_external_low)).view());
  }
  item.text("userName", user.username);
  if (!full_name.empty()) {
    item.custom("name", [&](JsonOut& out) {
      out.begin_object().key("formatted").value(full_name);
      if (!user.first_name.empty()) out.key("givenName").value(user.first_name);
      if (!user.last_name.empty()) out.key("familyName").value(user.last_name);
      out.end_object();
    });
    item.text("displayName", full_name);
  }
  if (!user.email.empty()) {
    // About a quarter have a personal address, listed first: the first e-mail is not the primary.
    item.custom("emails", [&](JsonOut& out) {
      out.begin_array();
      if ((flags >> 8) % 4 == 0) {
        out.begin_object().key("value").value(
            Formatted("p{}@mail.example.net", digits(derive(seed, user.id, k_salt_home), 8)).view());
        out.key("type").value("home").key("primary").value(false).end_object();
      }
      out.begin_object().key("value").value(user.email).key("type").value("work").key("primary").value(true);
      out.end_object().end_array();
    });
  }
  if (!user.phone.empty()) {
    item.custom("phoneNumbers", [&](JsonOut& out) {
      out.begin_array().begin_object().key("value").value(user.phone).key("type").value("work");
      out.end_object().end_array();
    });
  }
  if (!user.role.empty()) item.text("title", user.role);
  item.boolean("active", user.active);
  item.custom(k_enterprise, [&](JsonOut& out) {
    out.begin_object();
    if (!user.group.empty()) out.key("department").value(user.group);
    out.key("employeeNumber").value(digits(derive(seed, user.id, k_salt_employee), 6)).end_object();
  });
  item.custom("meta", [&](JsonOut& out) {
    out.begin_object().key("resourceType").value("User");
    out.key("created").value(scim_iso_time(created).view()).key("lastModified").value(scim_iso_time(modified).view());
    out.key("location").value(std::string(location_prefix).append(id));
    out.key("version").value(Formatted("W/\"{:016x}\"", content).view()).end_object();
  });
  item.finish();
}

struct Page {
  std::int64_t start_index = 1;  // 1-based, at least 1
  std::int64_t count = 0;        // within the cap; 0 = totalResults only
  bool duplicate = false, empty = false;
};

std::int64_t page_cap(const TenantState& state) {
  return state.options.max_page_size > 0 ? state.options.max_page_size : k_scim_max_count;
}

std::string scim_render_page(TenantState& state, const Page& page) {
  const auto& listed = state.users.listed();
  const auto total = page.empty ? 0 : static_cast<std::int64_t>(listed.size());
  const auto first = std::min(total, page.start_index - 1);
  const auto last = std::min(total, first + page.count);
  std::vector<std::uint32_t> positions(listed.begin() + first, listed.begin() + last);
  if (page.duplicate && !positions.empty())
    positions.insert(positions.begin(), listed[static_cast<std::size_t>(first > 0 ? first - 1 : first)]);
  const std::string location_prefix =
      fmt::format("http://127.0.0.1:{}/{}/scim/v2/Users/", state.port->load(), state.options.name);
  JsonOut w(TextStyle::json, positions.size() * 1000 + 200);
  w.begin_object().key("schemas").raw(k_list_schemas).key("totalResults").value(total);
  w.key("startIndex").value(page.start_index).key("itemsPerPage").value(static_cast<std::int64_t>(positions.size()));
  w.key("Resources").begin_array();
  for (const auto position : positions)
    scim_write_user(w, state.options.seed, location_prefix, state.users.materialize(state.users.entry(position)));
  w.end_array().end_object();
  return w.take();
}

// The page cache key of a page (prerender fills the same keys).
std::string scim_page_key(const Page& page) {
  return fmt::format("scim:{}:{}", page.start_index, page.count);
}

// The 1-based page startIndex falls in at the served page size, for Fault::page.
int scim_page_number(const Page& page) {
  if (page.count == 0) return 1;
  return static_cast<int>(std::min<std::int64_t>(INT_MAX, (page.start_index - 1) / page.count + 1));
}

Reply scim_reply(int status, std::string body) {
  Reply reply = json_reply(status, std::move(body));
  reply.content_type = k_content_type;
  return reply;
}

Reply scim_error(int status, std::string_view detail, std::string_view scim_type = {}) {
  JsonOut w;
  w.begin_object().key("schemas").raw(k_error_schemas).key("status").value(std::to_string(status));
  if (!scim_type.empty()) w.key("scimType").value(scim_type);
  w.key("detail").value(detail).end_object();
  return scim_reply(status, w.take());
}

// RFC 7644 3.4.2.4: startIndex below 1 is 1, a negative count is 0; count is capped.
std::optional<Reply> read_page(const TenantState& state, const httplib::Request& request, Page& page) {
  std::int64_t count = state.default_page_size();
  for (const auto& [name, value] : {std::pair{"startIndex", &page.start_index}, std::pair{"count", &count}}) {
    if (request.has_param(name) && !parse_int(request.get_param_value(name), *value))
      return scim_error(400, fmt::format("{} must be an integer", name), "invalidValue");
  }
  page.start_index = std::max<std::int64_t>(1, page.start_index);
  page.count = std::min(std::max<std::int64_t>(0, count), page_cap(state));
  return std::nullopt;
}

// RFC 6750 3.1: the challenge names the error when a token was sent.
Reply unauthorized(bool token_sent) {
  Reply reply = token_sent ? scim_error(401, "The bearer token is invalid")
                           : scim_error(401, "Authorization with a bearer token is required");
  reply.headers.emplace_back("WWW-Authenticate", token_sent ? R"(Bearer error="invalid_token")" : "Bearer");
  return reply;
}

std::optional<Reply> authenticate(TenantState& state, const httplib::Request& request) {
  const std::string header = request.get_header_value("Authorization");
  const bool bearer = header.size() > 7 && lower_ascii(std::string_view(header).substr(0, 7)) == "bearer ";
  if (bearer && state.token_valid(std::string_view(header).substr(7))) return std::nullopt;
  ++state.stats.auth_rejections;
  return unauthorized(!header.empty());
}

// vendor_error shapes by name (README.md); the default is a rate limit.
Reply scim_vendor_error(const Fault& fault) {
  Reply reply;
  if (fault.error == "invalid_value") {
    reply = scim_error(400, "startIndex must be an integer", "invalidValue");
  } else if (fault.error == "too_many") {
    reply = scim_error(400, "The request yields more results than the server is willing to process", "tooMany");
  } else if (fault.error == "unauthorized") {
    reply = unauthorized(true);
  } else if (fault.error == "forbidden") {
    reply = scim_error(403, "The token lacks the scope to read users");
  } else if (fault.error == "internal") {
    reply = scim_error(500, "Internal server error");
  } else {
    reply = scim_reply(429, std::string(k_scim_too_many_requests));
  }
  if (fault.status > 0) reply.status = fault.status;
  return reply;
}

}  // namespace

std::string scim_user_id(std::uint64_t seed, std::int64_t id) {
  return std::string(uuid(derive(seed, id, k_salt_id_high), derive(seed, id, k_salt_id_low)).view());
}

std::size_t prerender_scim(TenantState& state, std::int64_t page_size) {
  if (state.port->load() == 0)
    throw std::invalid_argument("prerender: SCIM pages carry the server's URL; prerender after the simulator starts");
  Page page;
  page.count = std::min(page_size, page_cap(state));
  const auto total = static_cast<std::int64_t>(state.users.listed().size());
  const auto pages = std::max<std::int64_t>(1, (total + page.count - 1) / page.count);
  for (std::int64_t k = 0; k < pages; ++k) {
    page.start_index = 1 + k * page.count;
    state.page(scim_page_key(page), [&] { return scim_render_page(state, page); });
  }
  return static_cast<std::size_t>(pages);
}

Reply handle_scim_users(TenantState& state, const httplib::Request& request) {
  std::lock_guard lock(state.mutex);
  state.count_request(Endpoint::listing);
  if (auto refused = authenticate(state, request)) return *refused;
  Page page;
  if (auto invalid = read_page(state, request, page)) return *invalid;
  const auto fault = state.take_fault(Endpoint::listing, scim_page_number(page));
  if (fault) {
    if (auto replaced = replacing_reply(*fault, k_scim_too_many_requests)) {
      if (replaced->content_type == "application/json") replaced->content_type = k_content_type;
      return *replaced;
    }
    switch (fault->kind) {
      case FaultKind::auth_failure:
        ++state.stats.auth_rejections;
        return unauthorized(true);
      case FaultKind::vendor_error:
        return scim_vendor_error(*fault);
      case FaultKind::duplicate_ids:
        page.duplicate = true;
        break;
      case FaultKind::empty_listing:
        page.empty = true;
        break;
      default:  // expire_token and stuck_cursor do not apply: a static token, index paging
        state.apply_shift(*fault, false);
        break;
    }
  }
  Reply reply = scim_reply(200, {});
  if (page.duplicate || page.empty) {
    reply.set_body(scim_render_page(state, page));
  } else {
    reply.body = state.page(scim_page_key(page), [&] { return scim_render_page(state, page); });
  }
  ++state.stats.listing_pages;
  if (fault) apply_delivery_fault(*fault, reply);
  return reply;
}

}  // namespace rosterd::sim::detail
