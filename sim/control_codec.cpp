#include "sim/control_codec.hpp"

#include <optional>
#include <stdexcept>

namespace rosterd::sim::detail {
namespace {

using simdjson::dom::element;

[[noreturn]] void bad(std::string_view field, std::string_view expected) {
  throw std::invalid_argument(std::string(field) + ": expected " + std::string(expected));
}

// Each reader leaves `out` alone when the field is absent.
void read(const element& json, std::string_view field, std::string& out) {
  element value;
  if (json[field].get(value) != simdjson::SUCCESS) return;
  std::string_view text;
  if (value.get(text) != simdjson::SUCCESS) bad(field, "a string");
  out = std::string(text);
}

template <class Integer>
void read(const element& json, std::string_view field, Integer& out) {
  element value;
  if (json[field].get(value) != simdjson::SUCCESS) return;
  std::int64_t number = 0;
  if (value.get(number) != simdjson::SUCCESS) bad(field, "an integer");
  out = static_cast<Integer>(number);
}

void read(const element& json, std::string_view field, bool& out) {
  element value;
  if (json[field].get(value) != simdjson::SUCCESS) return;
  if (value.get(out) != simdjson::SUCCESS) bad(field, "true or false");
}

void read_ms(const element& json, std::string_view field, std::chrono::milliseconds& out) {
  std::int64_t ms = out.count();
  read(json, field, ms);
  out = std::chrono::milliseconds(ms);
}

void read_seconds(const element& json, std::string_view field, std::chrono::seconds& out) {
  std::int64_t seconds = out.count();
  read(json, field, seconds);
  out = std::chrono::seconds(seconds);
}

template <class Enum, class Parse>
void read_enum(const element& json, std::string_view field, Enum& out, Parse&& parse) {
  std::string text;
  read(json, field, text);
  if (text.empty()) return;
  const auto parsed = parse(text);
  if (!parsed) bad(field, "a known name, not \"" + text + "\"");
  out = *parsed;
}

}  // namespace

void read_user(const element& json, SimUser& out) {
  if (!json.is_object()) bad("user", "an object");
  read(json, "id", out.id);
  read(json, "username", out.username);
  read(json, "first_name", out.first_name);
  read(json, "last_name", out.last_name);
  read(json, "email", out.email);
  read(json, "phone", out.phone);
  read(json, "extension", out.extension);
  read(json, "role", out.role);
  read(json, "group", out.group);
  read(json, "active", out.active);
  element portfolios;
  if (json["portfolios"].get(portfolios) == simdjson::SUCCESS) {
    simdjson::dom::array list;
    if (portfolios.get(list) != simdjson::SUCCESS) bad("portfolios", "an array of strings");
    out.portfolios.clear();
    for (const element item : list) {
      std::string_view code;
      if (item.get(code) != simdjson::SUCCESS) bad("portfolios", "an array of strings");
      out.portfolios.emplace_back(code);
    }
  }
  element extra;
  if (json["extra_json"].get(extra) == simdjson::SUCCESS) {
    simdjson::dom::object fields;
    if (extra.get(fields) != simdjson::SUCCESS) bad("extra_json", "an object");
    out.extra_json.clear();
    for (const auto field : fields) out.extra_json[std::string(field.key)] = simdjson::minify(field.value);
  }
}

void read_tenant_options(const element& json, const Simulator& simulator, TenantOptions& out) {
  if (!json.is_object()) bad("tenant", "an object");
  read(json, "name", out.name);
  read_enum(json, "vendor", out.vendor, [&simulator](const std::string& name) {
    return simulator.find_vendor(name) != nullptr ? std::optional(name) : std::nullopt;
  });
  read(json, "users", out.users);
  read(json, "seed", out.seed);
  read(json, "user", out.user);
  read(json, "password", out.password);
  read(json, "token", out.token);
  read(json, "api_key", out.api_key);
  read(json, "unusual_text", out.unusual_text);
  read(json, "inactive_percent", out.inactive_percent);
  read_ms(json, "latency_ms", out.latency);
  read(json, "default_page_size", out.default_page_size);
  read(json, "max_page_size", out.max_page_size);
  read_seconds(json, "token_ttl_seconds", out.token_ttl);
  read(json, "login_lockout_after", out.login_lockout_after);
  read_seconds(json, "login_lockout_window_seconds", out.login_lockout_window);
  read(json, "clock_follows_real_time", out.clock_follows_real_time);
  read(json, "cache_limit_bytes", out.cache_limit_bytes);
  if (out.users < 0) bad("users", "a count >= 0");
}

void read_fault(const element& json, Fault& out) {
  if (!json.is_object()) bad("fault", "an object");
  read_enum(json, "kind", out.kind, parse_fault_kind);
  read_enum(json, "endpoint", out.endpoint, parse_endpoint);
  read(json, "page", out.page);
  read(json, "times", out.times);
  read(json, "status", out.status);
  read(json, "retry_after", out.retry_after);
  read_ms(json, "delay_ms", out.delay);
  read(json, "bytes", out.bytes);
  read(json, "error", out.error);
}

std::vector<NamedItem> read_named_items(const element& json) {
  simdjson::dom::array list;
  if (json.get(list) != simdjson::SUCCESS) bad("items", "an array of {\"id\", \"name\"}");
  std::vector<NamedItem> items;
  for (const element item : list) {
    NamedItem named;
    if (!item.is_object()) bad("items", "an array of {\"id\", \"name\"}");
    read(item, "id", named.id);
    read(item, "name", named.name);
    items.push_back(std::move(named));
  }
  return items;
}

void write_user(core::JsonWriter& w, const SimUser& user) {
  w.begin_object().key("id").value(user.id);
  w.key("username").value(user.username).key("first_name").value(user.first_name);
  w.key("last_name").value(user.last_name).key("email").value(user.email).key("phone").value(user.phone);
  w.key("extension").value(user.extension).key("role").value(user.role).key("group").value(user.group);
  w.key("active").value(user.active).key("portfolios").begin_array();
  for (const auto& code : user.portfolios) w.value(code);
  w.end_array().key("extra_json").begin_object();
  for (const auto& [key, json] : user.extra_json) w.key(key).raw(json);
  w.end_object().end_object();
}

void write_fault(core::JsonWriter& w, const Fault& fault) {
  w.begin_object().key("kind").value(fault_kind_name(fault.kind)).key("endpoint").value(endpoint_name(fault.endpoint));
  w.key("page").value(fault.page).key("times").value(fault.times).key("status").value(fault.status);
  w.key("retry_after").value(fault.retry_after).key("delay_ms").value(static_cast<std::int64_t>(fault.delay.count()));
  w.key("bytes").value(static_cast<std::uint64_t>(fault.bytes)).key("error").value(fault.error).end_object();
}

void write_stats(core::JsonWriter& w, const Stats& stats) {
  w.begin_object().key("requests").value(stats.requests).key("by_endpoint").begin_object();
  for (const auto& [endpoint, count] : stats.by_endpoint) w.key(endpoint).value(count);
  w.end_object().key("listing_pages").value(stats.listing_pages).key("logins").value(stats.logins);
  w.key("login_failures").value(stats.login_failures).key("auth_rejections").value(stats.auth_rejections);
  w.key("faults_injected").value(stats.faults_injected).key("renders").value(stats.renders);
  w.key("cache_hits").value(stats.cache_hits).key("body_bytes").value(stats.body_bytes).end_object();
}

void write_tenant(core::JsonWriter& w, const Tenant& tenant) {
  const auto& o = tenant.options();
  w.begin_object().key("name").value(o.name).key("vendor").value(o.vendor);
  w.key("base_url").value(tenant.base_url()).key("config_url").value(tenant.config_url());
  w.key("user").value(o.user).key("password").value(o.password).key("token").value(o.token);
  w.key("api_key").value(o.api_key).key("seed").value(o.seed);
  w.key("source_yaml").value(tenant.source_yaml()).end_object();
}

}  // namespace rosterd::sim::detail
