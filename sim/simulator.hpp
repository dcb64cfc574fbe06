#pragma once
// The vendor simulator: serves the vendor APIs rosterd syncs (CrocoDial goAPIv2,
// Worksection admin v2, Tata Smartflo, Denovolab Class4, a SCIM 2.0 identity provider's
// Users listing) over real HTTP on 127.0.0.1,
// with generated users that tests can change between runs and fault switches that
// reproduce what real servers and networks do. Wire formats follow the vendor docs and
// docs/vendor-facts.md, quirks included; where both are silent the choice is marked
// "assumed" in the code and listed in sim/README.md.
//
// Tenants live under http://127.0.0.1:PORT/<tenant>/... . Everything served is
// deterministic from the tenant's seed, its mutations and its clock (which moves only
// when told to, unless TenantOptions::clock_follows_real_time).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd::sim {

// One user of a tenant, in vendor-neutral terms. Each vendor serves these fields under
// its own names (CrocoDial `user`/`exten`/`level`, Smartflo `login_id`, ...; see
// README.md); the vendor's other fields are derived from the seed and the id.
struct SimUser {
  std::int64_t id = 0;
  // Every member has an initializer, so that designated initializers may leave any out.
  std::string username{}, first_name{}, last_name{}, email{}, phone{}, extension{}, role{}, group{};
  bool active = true;                     // Worksection has no such flag: always listed as is
  std::vector<std::string> portfolios{};  // CrocoDial allowed_companys
  // Fields of the listed item served instead of (or besides) the generated ones:
  // field name -> raw JSON value, e.g. {"rate", "40"} or {"user_id", "\"2222\""}.
  std::map<std::string, std::string> extra_json{};

  [[nodiscard]] std::string full_name() const;  // "first last", either part may be empty
  bool operator==(const SimUser&) const = default;
};

// A CrocoDial portfolio (code, name), profile (profile_id, profile_name) or campaign
// (campaign_id, campaign_name).
struct NamedItem {
  std::string id{};
  std::string name{};
  bool operator==(const NamedItem&) const = default;
};

struct TenantOptions {
  std::string name{};  // URL prefix, [a-z0-9_-]+
  // A row of the simulator's vendor table (sim/vendor_module.hpp): crocodial,
  // worksection, smartflo, class4, scim, or one given to the Simulator's constructor.
  std::string vendor = "crocodial";
  int users = 20;
  std::uint64_t seed = 1;
  // Credentials the tenant accepts; empty ones are generated when the tenant is added.
  // crocodial: user + password (goUser/goPass); worksection: api_key; smartflo: user (the
  // login email) + password, and token (a static bearer token); class4: user + password,
  // and token (a static X-Auth-Token); scim: token (a static bearer token).
  std::string user{}, password{}, token{}, api_key{};
  bool unusual_text = false;             // combining marks, RTL, emoji, quotes, backslashes, very long values
  int inactive_percent = 10;             // generated users that are inactive (not Worksection)
  std::chrono::milliseconds latency{0};  // before every answer of this tenant
  int default_page_size = 0;             // 0 = the documented example's: smartflo 20, class4 30; scim 50
  int max_page_size = 0;                 // larger limit/per_page/count are clamped to it; 0 = no cap (scim: 50)
  std::chrono::seconds token_ttl{3600};  // login tokens (Smartflo documents 1 h)
  // Smartflo: more than this many logins within login_lockout_window lock the account
  // (answered with 429) until the window has passed. 0 = never.
  int login_lockout_after = 0;
  std::chrono::seconds login_lockout_window{900};
  bool clock_follows_real_time = false;
  std::size_t cache_limit_bytes = std::size_t{256} << 20;  // rendered pages kept per tenant
};

enum class FaultKind {
  http_status,       // `status` (default 503) with an nginx error page; Smartflo's 429 has its JSON body
  stall,             // no answer for `delay` (0 = until the simulator stops), then the normal one
  stall_body,        // headers and `bytes` of the body (default half), then silence as for stall
  truncate_length,   // Content-Length of the whole body, `bytes` of it (default half), then close
  truncate_chunked,  // chunked body that stops after `bytes` without its last chunk, then close
  truncate_close,    // body without length or chunking (ends at close) cut after `bytes`
  malformed_json,    // status 200, JSON with a syntax error in the middle
  html_page,         // status 200, an HTML page (a login or maintenance page)
  vendor_error,      // the vendor's error shape named by `error` (README.md), `status` or its usual one
  auth_failure,      // the vendor's answer to bad credentials
  expire_token,      // smartflo/class4: every login token expires now; this request gets the 401
  stuck_cursor,      // smartflo: last_seen_id does not advance, has_more stays true
  shift_insert,      // a new user is inserted before this page is rendered (class4: items shift; scim: total)
  shift_remove,      // the first listed user is removed before this page is rendered
  duplicate_ids,     // the page repeats the previous page's last item (page 1: its own first)
  empty_listing,     // the listing has no users
  oversize,          // the body padded with whitespace to `bytes` bytes, sent chunked
  php_warning,       // PHP warning text before the body (CrocoDial with display_errors on)
  empty_body,        // status 200, no body
};
std::string_view fault_kind_name(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(std::string_view name);

enum class Endpoint { any, listing, login, user_info, agent_info, portfolios, profiles };
std::string_view endpoint_name(Endpoint endpoint);
std::optional<Endpoint> parse_endpoint(std::string_view name);

struct Fault {
  FaultKind kind = FaultKind::http_status;
  Endpoint endpoint = Endpoint::listing;  // listing: goGetAllUsers, get_users, /v1/users, /v1/user/list, /scim/v2/Users
  // 1-based listing page: class4 page k is page=k-1, smartflo the k-th page of the cursor
  // walk, scim the page startIndex falls in ((startIndex-1)/count+1), crocodial and
  // worksection list in one page. 0 = every page.
  int page = 0;
  int times = -1;        // requests it applies to; -1 = always
  int status = 0;        // 0 = the kind's usual status
  int retry_after = -1;  // Retry-After seconds; -1 = no header
  std::chrono::milliseconds delay{0};
  std::size_t bytes = 0;
  std::string error{};  // vendor_error: the shape's name
};

struct Stats {
  std::uint64_t requests = 0;                          // every request routed to the tenant
  std::map<std::string, std::uint64_t> by_endpoint{};  // endpoint_name() -> requests
  std::uint64_t listing_pages = 0;                     // listing pages answered with success
  std::uint64_t logins = 0;                            // successful logins
  std::uint64_t login_failures = 0;
  std::uint64_t auth_rejections = 0;  // requests refused for credentials or token
  std::uint64_t faults_injected = 0;
  std::uint64_t renders = 0;     // pages rendered
  std::uint64_t cache_hits = 0;  // pages served from the cache
  std::uint64_t body_bytes = 0;  // response body bytes handed to the server
};

namespace detail {
struct TenantState;
}

// A vendor's row in the simulator's table (sim/vendor_module.hpp).
struct VendorModule;

// One vendor tenant. Thread-safe: tests mutate it while the server serves it. Mutations
// of unknown ids throw std::out_of_range.
class Tenant {
 public:
  // Made by Simulator::add_tenant; `vendor` is the row options.vendor names, `port` the
  // simulator's (0 until it starts).
  Tenant(TenantOptions options, const VendorModule& vendor, const std::atomic<int>* port);
  // A tenant of a built-in vendor; std::invalid_argument when options.vendor names none.
  Tenant(TenantOptions options, const std::atomic<int>* port);
  ~Tenant();
  Tenant(const Tenant&) = delete;
  Tenant& operator=(const Tenant&) = delete;

  [[nodiscard]] const TenantOptions& options() const;  // credentials filled in
  [[nodiscard]] const VendorModule& vendor() const;
  [[nodiscard]] std::string base_url() const;          // http://127.0.0.1:PORT/<tenant>
  [[nodiscard]] std::string config_url() const;        // what rosterd's `url:` needs
  [[nodiscard]] std::string source_yaml() const;       // a rosterd `sources:` entry (login credentials)

  [[nodiscard]] std::vector<SimUser> users() const;                  // the current listing, active and inactive, by id
  [[nodiscard]] std::optional<SimUser> user(std::int64_t id) const;  // listed or removed
  SimUser add_user();                                                // a new generated user
  SimUser add_user(SimUser user);  // id assigned when 0; std::invalid_argument if taken
  // `edit` must keep the id (std::invalid_argument otherwise).
  void update_user(std::int64_t id, const std::function<void(SimUser&)>& edit);
  void remove_user(std::int64_t id);  // gone from listings, kept for restore
  void restore_user(std::int64_t id);

  // CrocoDial's tenant-wide lists (getAllPortfolios, getAllProfiles, goGetAllUsers).
  [[nodiscard]] std::vector<NamedItem> portfolios() const;
  void set_portfolios(std::vector<NamedItem> items);
  [[nodiscard]] std::vector<NamedItem> profiles() const;
  void set_profiles(std::vector<NamedItem> items);
  [[nodiscard]] std::vector<NamedItem> campaigns() const;
  void set_campaigns(std::vector<NamedItem> items);

  void set_fault(Fault fault);  // faults are matched in the order they were set
  void clear_faults();
  [[nodiscard]] std::vector<Fault> faults() const;  // remaining ones
  void set_latency(std::chrono::milliseconds latency);

  // The tenant clock (unix seconds). Login tokens expire by it; CrocoDial agent states
  // and daily statistics follow it.
  [[nodiscard]] std::int64_t now() const;
  void advance_clock(std::chrono::seconds by);
  void expire_tokens();
  // CrocoDial getLiveAgentInfo: pins a user's status ("READY", "IN CALL", "DISPOSITION",
  // "PAUSE - <reason>") until cleared; otherwise it follows the clock.
  void set_agent_status(std::int64_t id, std::string status);
  void clear_agent_status(std::int64_t id);

  // Benchmarks (bench/): renders every listing page of `page_size` into the page cache,
  // under the keys rosterd's requests look up (Smartflo's cursor walk; Class4's pages in
  // the default order; SCIM's walk from startIndex 1), so that serving them later costs
  // only the send. Returns the page count. std::invalid_argument for CrocoDial and
  // Worksection (one page, cached when first served), a page_size below 1, pages that do
  // not fit cache_limit_bytes, or SCIM before the simulator started (its pages carry
  // the server's URL).
  std::size_t prerender(int page_size);
  // Benchmarks: in one step, gives `count` listed users spread evenly over the listing a
  // new last name (a different one on every call). Returns how many changed.
  std::size_t churn(std::size_t count);

  // Every secret value this tenant can serve or accept: configured credentials, issued
  // tokens, request signatures, per-user passwords, hashes and API tokens.
  [[nodiscard]] std::vector<std::string> served_secrets() const;
  [[nodiscard]] Stats stats() const;

  // Internal: the simulator's request handlers work on this.
  [[nodiscard]] detail::TenantState& state() const { return *m_state; }

 private:
  std::unique_ptr<detail::TenantState> m_state;
};

struct SimulatorOptions {
  // Worker threads. cpp-httplib gives each open connection a thread for its lifetime
  // (latency and stalls included), so this bounds concurrent connections.
  int threads = 32;
  std::chrono::seconds keep_alive{2};  // idle keep-alive connections are closed after this
  bool log_requests = false;           // one line per request on stderr (no query strings)
};

class Simulator {
 public:
  Simulator();
  explicit Simulator(SimulatorOptions options);
  // Serves `extra_vendors` besides the built-in ones (a test's own vendor). Throws
  // std::invalid_argument when a name is taken.
  Simulator(SimulatorOptions options, std::span<const VendorModule> extra_vendors);
  ~Simulator();  // stops
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Binds 127.0.0.1 only (port 0 = any free port) and returns once connections are
  // accepted. Throws std::runtime_error when it cannot bind. Once per Simulator.
  void start(int port = 0);
  // Stops accepting, ends stalled and slow answers, and joins every worker.
  void stop();
  [[nodiscard]] int port() const;
  [[nodiscard]] std::string base_url() const;  // http://127.0.0.1:PORT

  // Throws std::invalid_argument on a bad or duplicate name or an unknown vendor.
  // Tenants live as long as the simulator.
  Tenant& add_tenant(TenantOptions options);
  Tenant& tenant(std::string_view name);  // std::out_of_range when unknown
  [[nodiscard]] Tenant* find_tenant(std::string_view name);
  [[nodiscard]] std::vector<Tenant*> tenants();
  // The row of the vendor named `name`, or null.
  [[nodiscard]] const VendorModule* find_vendor(std::string_view name) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace rosterd::sim
