// End-to-end fault injection: the real rosterd binary against the simulator over
// HTTP, a real SQLite file. Every fault either leaves a run that is still right
// (a retry, a re-login, a second listing) or fails the run with one error line and
// changes nothing but sync_runs (README, "Sync semantics"; docs/reliability.md "The one rule").

#include <chrono>
#include <optional>

#include "fault_fixture.hpp"

namespace rosterd::testing {
namespace {

const std::string k_vendors[] = {"crocodial", "worksection", "smartflo", "class4"};

// The label of the request a failure names, with "{base}" for the tenant's base URL
// and "{url}" for its config URL. Page 1 ends with ": " so that it names page 1 only.
std::string listing_request(const std::string& vendor, int page) {
  if (vendor == "crocodial") return "POST {url} goAction=goGetAllUsers only_inactives=0: ";
  if (vendor == "worksection") return "GET {base}/api/admin/v2/ action=get_users: ";
  if (vendor == "smartflo")
    return page == 1 ? "GET {base}/v1/users limit=20: " : "GET {base}/v1/users limit=20 last_seen_id=";
  if (vendor == "class4") return "GET {base}/v1/user/list page=" + std::to_string(page - 1) + " per_page=20: ";
  return {};
}

std::string login_request(const std::string& vendor) {
  return vendor == "smartflo" ? "POST {base}/v1/auth/login: " : "POST {base}/v1/auth: ";
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// How a failure case breaks the source.
enum class Breakage { fault, wrong_credential, dead_port };

struct FailureCase {
  std::string name;
  std::string vendor;
  Breakage breakage = Breakage::fault;
  sim::Fault fault{};
  std::string request;  // the label the error names (listing_request's placeholders); empty: none
  std::string cause;    // what the error says went wrong
  std::string status = "failed";
  std::map<std::string, std::string> extra{};  // source keys
  bool static_token = false;
};

// Test names and ctest labels show the case's name, not its bytes.
void PrintTo(const FailureCase& c, std::ostream* out) { *out << c.name; }

sim::Fault vendor_error(const std::string& shape) {
  auto fault = make_fault(FaultKind::vendor_error);
  fault.error = shape;
  return fault;
}

// Every fault that must fail a run, for every vendor it applies to.
std::vector<FailureCase> failure_cases() {
  std::vector<FailureCase> cases;
  for (const auto& vendor : k_vendors) {
    const std::string v(vendor);
    const int page = paged(vendor) ? 2 : 0;  // 0: crocodial and worksection list in one page
    const auto request = listing_request(vendor, paged(vendor) ? 2 : 1);
    const auto first = listing_request(vendor, 1);
    const auto fault = [&](FaultKind kind) { return make_fault(kind, page); };
    const std::map<std::string, std::string> short_timeout{{"timeout", "1s"}};

    auto http500 = fault(FaultKind::http_status);
    http500.status = 500;
    cases.push_back({v + "_http_500_on_page_" + std::to_string(std::max(page, 1)), vendor, Breakage::fault, http500,
                     request, "HTTP 500"});
    cases.push_back({v + "_connection_refused", vendor, Breakage::dead_port, {},
                     paged(vendor) ? login_request(vendor) : first, "could not connect (curl 7"});
    cases.push_back({v + "_stall", vendor, Breakage::fault, fault(FaultKind::stall), request, "timed out",
                     "failed", short_timeout});
    cases.push_back({v + "_stall_body", vendor, Breakage::fault, fault(FaultKind::stall_body), request, "timed out",
                     "failed", short_timeout});
    cases.push_back({v + "_truncate_length", vendor, Breakage::fault, fault(FaultKind::truncate_length), request,
                     "transfer closed with"});
    cases.push_back({v + "_truncate_chunked", vendor, Breakage::fault, fault(FaultKind::truncate_chunked), request,
                     "transfer closed with"});
    cases.push_back({v + "_truncate_close", vendor, Breakage::fault, fault(FaultKind::truncate_close), request,
                     "invalid or truncated JSON"});
    cases.push_back({v + "_malformed_json", vendor, Breakage::fault, fault(FaultKind::malformed_json), request,
                     "invalid or truncated JSON"});
    cases.push_back({v + "_html_page", vendor, Breakage::fault, fault(FaultKind::html_page), request,
                     "expected a JSON document, got HTML page"});
    cases.push_back({v + "_empty_body", vendor, Breakage::fault, fault(FaultKind::empty_body), request,
                     "expected a JSON document, got empty body"});
    auto oversize = fault(FaultKind::oversize);
    oversize.bytes = 300'000;
    cases.push_back({v + "_oversize", vendor, Breakage::fault, oversize, request,
                     "response larger than the size cap of 100000 bytes", "failed",
                     {{"max_response_bytes", "100KB"}}});
    cases.push_back({v + "_empty_listing", vendor, Breakage::fault, make_fault(FaultKind::empty_listing), "",
                     "the vendor listed no users but 45 were present; nothing was removed", "refused"});
    const std::map<std::string, std::string> rejected{
        {"crocodial", "CrocoDial error: Invalid Username/Password"},
        {"worksection", "Worksection error 2: Action hash is missed or invalid"},
        {"smartflo", "Smartflo HTTP 401: The username or password is incorrect."},
        {"class4", "Class4 HTTP 401: unauthenticated_error incorrect_credentials (100)"}};
    cases.push_back({v + "_wrong_credentials", vendor, Breakage::wrong_credential, {},
                     paged(vendor) ? login_request(vendor) : first, rejected.at(vendor)});
  }
  const std::string croco_listing = listing_request("crocodial", 1);
  const std::string ws_listing = listing_request("worksection", 1);

  cases.push_back({"crocodial_duplicate_ids", "crocodial", Breakage::fault, make_fault(FaultKind::duplicate_ids),
                   croco_listing, "duplicate user id"});
  cases.push_back({"worksection_duplicate_ids", "worksection", Breakage::fault, make_fault(FaultKind::duplicate_ids),
                   ws_listing, "duplicate user id"});
  cases.push_back({"smartflo_duplicate_ids", "smartflo", Breakage::fault, make_fault(FaultKind::duplicate_ids, 2),
                   listing_request("smartflo", 2), "appears twice in the listing"});
  cases.push_back({"class4_duplicate_ids", "class4", Breakage::fault, make_fault(FaultKind::duplicate_ids, 2),
                   listing_request("class4", 2), "21 items but per_page is 20"});
  cases.push_back({"smartflo_stuck_cursor", "smartflo", Breakage::fault, make_fault(FaultKind::stuck_cursor, 2),
                   listing_request("smartflo", 2), "cursor did not advance"});
  cases.push_back({"class4_shift_insert_every_time", "class4", Breakage::fault, make_fault(FaultKind::shift_insert, 2),
                   listing_request("class4", 2), "(the listing shifted on both attempts)"});
  cases.push_back({"class4_shift_remove_every_time", "class4", Breakage::fault, make_fault(FaultKind::shift_remove, 2),
                   listing_request("class4", 2), "(the listing shifted on both attempts)"});
  for (const auto vendor : {"smartflo", "class4"}) {
    const std::string v(vendor);
    cases.push_back({v + "_wrong_static_token", vendor, Breakage::wrong_credential, {}, listing_request(vendor, 1),
                     "HTTP 401", "failed", {}, true});
    auto login_rejected = make_fault(FaultKind::auth_failure);
    login_rejected.endpoint = sim::Endpoint::login;
    cases.push_back({v + "_login_rejected", vendor, Breakage::fault, login_rejected, login_request(vendor),
                     "HTTP 401"});
  }
  // The vendors' answers to bad credentials, and each error document the simulator
  // knows (sim/README.md "vendor_error names"), on the first listing request.
  struct Shape {
    std::string vendor;
    std::string error;  // empty: auth_failure
    std::string cause;
  };
  const std::vector<Shape> shapes{
      {"crocodial", "", "CrocoDial error: Invalid Username/Password"},
      {"crocodial", "invalid_login", "CrocoDial error: Invalid Username/Password"},
      {"crocodial", "command_not_found", "CrocoDial error: Command Not Found"},
      {"crocodial", "permission", "CrocoDial error 10001: Error: You do not have permission"},
      {"crocodial", "missing_params", "CrocoDial error 40001: Error: Missing required parameters"},
      {"crocodial", "invalid_user", "CrocoDial error 41004: Error: Invalid value in user"},
      {"crocodial", "user_not_defined", "CrocoDial error: Error: goAPI User Not Defined."},
      {"crocodial", "password_not_defined", "CrocoDial error: Error: goAPI Password Not Defined."},
      {"crocodial", "session_user_not_defined", "CrocoDial error: Error: Session User Not Defined."},
      {"crocodial", "astguiclient", "expected a JSON document, got non-JSON text (42 bytes)"},
      {"worksection", "", "Worksection error 2: Action hash is missed or invalid"},
      {"worksection", "invalid_hash", "Worksection error 2: Action hash is missed or invalid"},
      {"worksection", "invalid_action", "Worksection error 1: Action is invalid"},
      {"smartflo", "", "Smartflo HTTP 401: Token is Expired"},
      {"smartflo", "too_many_requests", "Smartflo HTTP 429: Too many requests."},
      {"smartflo", "login_failed", "Smartflo HTTP 401: The username or password is incorrect."},
      {"smartflo", "invalid_credentials", "Smartflo HTTP 400: Invalid credentials"},
      {"smartflo", "unauthorized", "Smartflo HTTP 401: Token is Expired"},
      {"class4", "", "Class4 HTTP 401: unauthenticated_error incorrect_token_provided (120)"},
      {"class4", "incorrect_token", "Class4 HTTP 401: unauthenticated_error incorrect_token_provided (120)"},
      {"class4", "auth_token_not_provided", "Class4 HTTP 401: unauthenticated_error auth_token_not_provided (110)"},
      {"class4", "validation_error", "Class4 HTTP 400: validation_error page: [\"Not a valid integer.\"]"},
      {"class4", "not_found_error", "Class4 HTTP 404: not_found_error"},
      {"class4", "operation_error", "Class4 HTTP 400: operation_error operation_failed (300): Operation failed"},
  };
  for (const auto& shape : shapes) {
    const std::string v(shape.vendor);
    const bool auth = shape.error.empty();
    cases.push_back({v + (auth ? "_auth_failure" : "_error_" + shape.error), shape.vendor, Breakage::fault,
                     auth ? make_fault(FaultKind::auth_failure) : vendor_error(shape.error),
                     listing_request(shape.vendor, 1), shape.cause});
  }
  // 10010 "no data found" for both listings is an empty listing.
  cases.push_back({"crocodial_error_no_rows", "crocodial", Breakage::fault, vendor_error("no_rows"), "",
                   "the vendor listed no users but 45 were present", "refused"});
  return cases;
}

// Each case on each engine: a failed run changes nothing in either.
class FailureE2e : public FaultE2e, public ::testing::WithParamInterface<std::tuple<Engine, FailureCase>> {
 protected:
  FailureE2e() { use_engine(std::get<0>(GetParam())); }

  // The configured credential of the case's source.
  std::string credential(const sim::Tenant& tenant, bool static_token) {
    const auto& o = tenant.options();
    if (o.vendor == "worksection") return o.api_key;
    return static_token ? o.token : o.password;
  }
};

TEST_P(FailureE2e, FailsTheRunChangesNothingAndTheNextRunRecovers) {
  const auto& c = std::get<1>(GetParam());
  auto& tenant = synced_tenant(c.vendor, c.extra, c.static_token);
  const auto before = dump_data_tables();
  const auto config = read_bytes(config_path());
  std::optional<DeadPort> dead;
  std::string base = tenant.base_url();
  std::string url = tenant.config_url();
  switch (c.breakage) {
    case Breakage::fault: tenant.set_fault(c.fault); break;
    case Breakage::wrong_credential: {
      const auto right = credential(tenant, c.static_token);
      m_config_secrets.push_back(right + "-wrong");
      edit_config("\"" + right + "\"", "\"" + right + "-wrong\"");
      break;
    }
    case Breakage::dead_port: {
      dead.emplace();
      const auto dead_base = "http://127.0.0.1:" + std::to_string(dead->port());
      base = replace_all(base, m_sim.base_url(), dead_base);
      url = replace_all(url, m_sim.base_url(), dead_base);
      edit_config(tenant.config_url(), url);
      break;
    }
  }

  const auto failed = run();
  const auto request = replace_all(replace_all(c.request, "{base}", base), "{url}", url);
  const auto message = expect_failed(failed, tenant.options().name, before, request, c.cause, c.status);
  if (!request.empty()) {
    EXPECT_EQ(occurrences(message, base), 1u) << "the request is named once: " << message;
  }

  std::ofstream(config_path(), std::ios::trunc) << config;
  expect_recovers(tenant);
}

INSTANTIATE_TEST_SUITE_P(Faults, FailureE2e, ::testing::Combine(k_engines, ::testing::ValuesIn(failure_cases())),
                         [](const ::testing::TestParamInfo<std::tuple<Engine, FailureCase>>& param) {
                           return std::get<1>(param.param).name +
                                  (std::get<0>(param.param) == Engine::sqlite ? "" : "_postgresql");
                         });
// Faults that a retry, a re-login or a second listing absorbs: the run is ok and
// complete, with no error line.
struct TransientCase {
  std::string name;
  std::string vendor;
  sim::Fault fault;
  std::string warning;  // the one retry line
  std::map<std::string, std::string> extra{};
};

void PrintTo(const TransientCase& c, std::ostream* out) { *out << c.name; }

std::vector<TransientCase> transient_cases() {
  auto once = [](FaultKind kind, int page, int status = 0, int retry_after = -1) {
    auto fault = make_fault(kind, page, 1);
    fault.status = status;
    fault.retry_after = retry_after;
    return fault;
  };
  const std::map<std::string, std::string> short_timeout{{"timeout", "1s"}};
  return {
      {"crocodial_502_once", "crocodial", once(FaultKind::http_status, 0, 502), "HTTP 502; retrying in "},
      {"worksection_500_once", "worksection", once(FaultKind::http_status, 0, 500), "HTTP 500; retrying in "},
      {"smartflo_500_once", "smartflo", once(FaultKind::http_status, 2, 500), "HTTP 500; retrying in "},
      {"class4_500_once", "class4", once(FaultKind::http_status, 2, 500), "HTTP 500; retrying in "},
      {"smartflo_429_retry_after", "smartflo", once(FaultKind::http_status, 2, 429, 1),
       "HTTP 429; retrying in 1s (attempt 2 of 2)"},
      {"class4_429_retry_after", "class4", once(FaultKind::http_status, 3, 429, 1),
       "HTTP 429; retrying in 1s (attempt 2 of 2)"},
      {"crocodial_cut_short_once", "crocodial", once(FaultKind::truncate_chunked, 0),
       "transfer closed with outstanding read data remaining); retrying in "},
      {"class4_stall_once", "class4", once(FaultKind::stall, 2), "timed out (curl 28", short_timeout},
  };
}

class TransientE2e : public FaultE2e, public ::testing::WithParamInterface<TransientCase> {};

TEST_P(TransientE2e, IsRetriedAndTheRunCompletes) {
  const auto& c = GetParam();
  auto& tenant = synced_tenant(c.vendor, c.extra);
  tenant.set_fault(c.fault);
  const auto started = std::chrono::steady_clock::now();
  const auto result = run();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_TRUE(tenant.faults().empty()) << "the fault was served";
  EXPECT_TRUE(error_lines(result.err).empty()) << result.err;
  EXPECT_EQ(lines_with(result.err, "; retrying in ").size(), 1u) << result.err;
  EXPECT_EQ(lines_with(result.err, c.warning).size(), 1u) << result.err;
  if (c.fault.retry_after > 0) {
    EXPECT_GE(elapsed, std::chrono::seconds{c.fault.retry_after}) << "waited for Retry-After";
  }
  EXPECT_EQ(last_run("status"), "ok");
  EXPECT_EQ(last_run("added || ',' || updated || ',' || removed"), "1,1,1");
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), static_cast<std::int64_t>(tenant.users().size()));
}

INSTANTIATE_TEST_SUITE_P(Faults, TransientE2e, ::testing::ValuesIn(transient_cases()),
                         [](const ::testing::TestParamInfo<TransientCase>& param) { return param.param.name; });

class LoginVendorE2e : public FaultE2e, public ::testing::WithParamInterface<std::string> {};

TEST_P(LoginVendorE2e, ATokenExpiringMidListingCostsExactlyOneMoreLogin) {
  auto& tenant = synced_tenant(GetParam());
  const auto logins_of_a_clean_run = tenant.stats().logins;  // the first run's
  ASSERT_EQ(logins_of_a_clean_run, 1u);
  auto expire = make_fault(FaultKind::expire_token, 2, 1);
  tenant.set_fault(expire);
  const auto result = run();
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_TRUE(tenant.faults().empty());
  EXPECT_EQ(tenant.stats().logins, logins_of_a_clean_run + 2) << "this run's login and one re-login";
  EXPECT_TRUE(error_lines(result.err).empty()) << result.err;
  EXPECT_EQ(lines_with(result.err, "logging in once more").size(), 1u) << result.err;
  EXPECT_EQ(last_run("added || ',' || updated || ',' || removed"), "1,1,1");
}

INSTANTIATE_TEST_SUITE_P(Faults, LoginVendorE2e, ::testing::Values("smartflo", "class4"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// The second listing replaces what the sink held of the first: on both engines.
class ShiftOnceE2e : public FaultE2e, public ::testing::WithParamInterface<std::tuple<Engine, FaultKind>> {
 protected:
  ShiftOnceE2e() { use_engine(std::get<0>(GetParam())); }
};

// Class4 pages by offset: a user added or removed while paging shifts the items
// (docs/vendor-facts.md 4). One shift: the second listing is consistent and is the one stored.
TEST_P(ShiftOnceE2e, ClassFourListsOnceMoreAndStoresTheSecondListing) {
  auto& tenant = synced_tenant("class4");
  tenant.set_fault(make_fault(std::get<1>(GetParam()), 2, 1));
  const auto result = run();
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_TRUE(tenant.faults().empty());
  EXPECT_EQ(lines_with(result.err, "listing once more from page 0").size(), 1u) << result.err;
  EXPECT_TRUE(error_lines(result.err).empty()) << result.err;
  const auto listed = tenant.users();
  EXPECT_EQ(count("SELECT count(*) FROM current_users"), static_cast<std::int64_t>(listed.size()));
  std::set<std::string> expected;
  for (const auto& user : listed) expected.insert(std::to_string(user.id));
  std::set<std::string> stored;
  for (const auto& row : rows("SELECT external_id FROM current_users")) stored.insert(row[0]);
  EXPECT_EQ(stored, expected);
  const auto again = run();
  EXPECT_EQ(last_run("fetched = unchanged"), "1") << again.all();
}

INSTANTIATE_TEST_SUITE_P(Faults, ShiftOnceE2e,
                         ::testing::Combine(k_engines, ::testing::Values(FaultKind::shift_insert, FaultKind::shift_remove)),
                         [](const ::testing::TestParamInfo<std::tuple<Engine, FaultKind>>& param) {
                           return std::string(sim::fault_kind_name(std::get<1>(param.param))) + "_" +
                                  engine_name(std::get<0>(param.param));
                         });

// Names and emails with combining marks, RTL text, emoji, quotes, backslashes, a NUL
// byte and 3,000-byte values: stored byte for byte (a NUL as U+FFFD, which both engines
// can store), and a second run changes nothing.
class UnusualTextE2e : public FaultE2e, public ::testing::WithParamInterface<std::tuple<Engine, std::string>> {
 protected:
  UnusualTextE2e() { use_engine(std::get<0>(GetParam())); }
};

TEST_P(UnusualTextE2e, IsStoredByteExactAndAResyncIsANoOp) {
  const auto vendor = std::get<1>(GetParam());
  sim::TenantOptions options;
  options.name = "odd";
  options.vendor = vendor;
  options.users = 60;
  options.seed = 5;
  options.unusual_text = true;
  auto& tenant = m_sim.add_tenant(options);
  const auto users = tenant.users();
  const std::string long_local(400, 'q');
  const std::string nul_name("Nul\0Byte \"Q\" \\ O'Neil", 22);
  tenant.update_user(users[4].id, [&](SimUser& u) {
    u.first_name = nul_name;
    if (vendor == "smartflo") {
      u.username = "O'Neil.\"Quoted\"+Z\xc3\xb6\xcc\x88@Example.COM";  // Smartflo's email is its login_id
    } else {
      u.email = "O'Neil.\"Quoted\"+Z\xc3\xb6\xcc\x88@Example.COM";
    }
  });
  tenant.update_user(users[5].id, [&](SimUser& u) {
    if (vendor == "smartflo") {
      u.username = long_local + "@example.com";
    } else {
      u.email = long_local + "@example.com";
    }
  });
  std::map<std::string, std::string> extra;
  if (paged(vendor)) extra.emplace("page_size", "25");
  if (vendor == "crocodial") extra.emplace("datasets", "[users]");
  write_config({{tenant, extra}});
  const auto first = run();
  ASSERT_EQ(first.exit_code, 0) << first.all();

  std::size_t unusual = 0;
  for (const auto& user : tenant.users()) {
    SCOPED_TRACE(user.id);
    const auto stored = rows("SELECT username, full_name, email FROM users WHERE external_id = '" +
                             std::to_string(user.id) + "'");
    ASSERT_EQ(stored.size(), 1u);
    const auto email = vendor == "smartflo" ? user.username : user.email;
    const auto username = vendor == "worksection" ? model_lower(user.email) : user.username;
    EXPECT_EQ(stored[0][0], username);
    auto full_name = user.full_name();
    for (auto at = full_name.find('\0'); at != std::string::npos; at = full_name.find('\0')) {
      full_name.replace(at, 1, "\xEF\xBF\xBD");
    }
    EXPECT_EQ(stored[0][1], full_name);
    if (vendor != "crocodial") {  // CrocoDial's email comes from getUserInfo
      EXPECT_EQ(stored[0][2], model_lower(email));
    }
    if (user.full_name().find_first_of("\"\\'") != std::string::npos || user.full_name().size() > 1000 ||
        user.full_name().find('\0') != std::string::npos) {
      ++unusual;
    }
  }
  EXPECT_GE(unusual, 2u) << "the quoted, NUL and long names were among them";

  const auto before = dump_data_tables();
  const auto again = run();
  ASSERT_EQ(again.exit_code, 0) << again.all();
  EXPECT_EQ(dump_data_tables(), before);
  EXPECT_EQ(last_run("fetched = unchanged"), "1");
  EXPECT_TRUE(lines_with(again.err, "odd: user ").empty()) << again.err;
}

INSTANTIATE_TEST_SUITE_P(Faults, UnusualTextE2e,
                         ::testing::Combine(k_engines,
                                            ::testing::Values("crocodial", "worksection", "smartflo", "class4")),
                         [](const ::testing::TestParamInfo<std::tuple<Engine, std::string>>& param) {
                           return std::get<1>(param.param) + "_" + engine_name(std::get<0>(param.param));
                         });

}  // namespace
}  // namespace rosterd::testing
