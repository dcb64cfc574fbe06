// Security checks end to end (README, "Secrets", docs/reliability.md "HTTP"): a literal
// secret in a configuration others can read is warned about, and no vendor's
// credential (a token header, a login body, a signed query) ever reaches a host that
// a redirect names. Every run's output and the database are scanned for secrets
// (FaultE2e::TearDown).

#include <sys/stat.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "fault_fixture.hpp"

namespace rosterd::testing {
namespace {

class SecurityE2e : public FaultE2e {};

std::string fmt_mode(::mode_t mode) { return fmt::format("mode {:04o}", static_cast<unsigned>(mode)); }

TEST_F(SecurityE2e, ALiteralSecretInAConfigurationGroupOrOthersCanReadIsWarnedAbout) {
  auto& sw = add_tenant("sw", "class4", 10, 1);
  write_config({{sw}});  // password: "<literal>"
  for (const ::mode_t mode : {0640u, 0604u, 0644u, 0600u}) {
    SCOPED_TRACE(mode);
    ASSERT_EQ(::chmod(config_path().c_str(), mode), 0);
    const auto result = run();
    ASSERT_EQ(result.exit_code, 0) << result.all();
    const auto warnings = lines_with(result.err, "sources[0].password: a literal secret in a file readable by group");
    if ((mode & 044) != 0) {
      ASSERT_EQ(warnings.size(), 1u) << result.err;
      EXPECT_NE(warnings[0].find(fmt_mode(mode)), std::string::npos) << warnings[0];
      EXPECT_NE(warnings[0].find("chmod 600"), std::string::npos) << warnings[0];
    } else {
      EXPECT_TRUE(warnings.empty()) << result.err;
    }
  }
}

// A server that answers every request with a 307 to `location`, and one that counts
// what reaches it there.
class RedirectingVendor {
 public:
  RedirectingVendor() {
    const auto count = [this](const httplib::Request&, httplib::Response& res) {
      ++m_stolen;
      res.set_content("{}", "application/json");
    };
    m_thief.Get(".*", count);
    m_thief.Post(".*", count);
    m_thief_port = m_thief.bind_to_any_port("127.0.0.1");
    const auto redirect = [this](const httplib::Request&, httplib::Response& res) {
      res.status = 307;  // keeps the method and the body: a login would be re-posted
      res.set_header("Location", "http://localhost:" + std::to_string(m_thief_port) + "/collect?hash=LOCATION-QUERY");
    };
    m_front.Get(".*", redirect);
    m_front.Post(".*", redirect);
    m_front_port = m_front.bind_to_any_port("127.0.0.1");
    m_threads.emplace_back([this] { m_thief.listen_after_bind(); });
    m_threads.emplace_back([this] { m_front.listen_after_bind(); });
    EXPECT_TRUE(eventually([this] { return m_thief.is_running() && m_front.is_running(); }, std::chrono::seconds{10}));
  }
  ~RedirectingVendor() {
    m_front.stop();
    m_thief.stop();
    for (auto& thread : m_threads) thread.join();
  }
  RedirectingVendor(const RedirectingVendor&) = delete;
  RedirectingVendor& operator=(const RedirectingVendor&) = delete;

  [[nodiscard]] std::string base() const { return "http://127.0.0.1:" + std::to_string(m_front_port); }
  [[nodiscard]] int stolen() const { return m_stolen.load(); }

 private:
  httplib::Server m_thief;
  httplib::Server m_front;
  int m_thief_port = 0;
  int m_front_port = 0;
  std::atomic<int> m_stolen{0};
  std::vector<std::thread> m_threads;
};

struct RedirectCase {
  std::string vendor;
  bool static_token;
};

void PrintTo(const RedirectCase& c, std::ostream* out) {
  *out << c.vendor << (c.static_token ? " with a token" : " with a login");
}

class RedirectE2e : public FaultE2e, public ::testing::WithParamInterface<RedirectCase> {};

TEST_P(RedirectE2e, NoCredentialReachesTheHostARedirectNames) {
  const auto [vendor, static_token] = GetParam();
  auto& tenant = add_tenant("vendor", vendor, 10, 1);  // for its credentials only
  std::map<std::string, std::string> extra;
  if (vendor == "crocodial") extra.emplace("datasets", "[users]");  // one run, one error line
  write_config({{tenant, extra, static_token}});
  RedirectingVendor server;
  edit_config(m_sim.base_url(), server.base());

  const auto result = run();
  EXPECT_EQ(result.exit_code, 1) << result.all();
  const auto errors = error_lines(result.err);
  ASSERT_EQ(errors.size(), 1u) << result.all();
  EXPECT_NE(errors[0].find("vendor: users: failed: "), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(server.base() + "/vendor/"), std::string::npos) << "names the request: " << errors[0];
  EXPECT_NE(errors[0].find("redirect"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].find("LOCATION-QUERY"), std::string::npos) << "no query of the refused location: " << errors[0];
  EXPECT_EQ(server.stolen(), 0) << "nothing reached the other host";
}

INSTANTIATE_TEST_SUITE_P(Vendors, RedirectE2e,
                         ::testing::Values(RedirectCase{"crocodial", false}, RedirectCase{"worksection", false},
                                           RedirectCase{"smartflo", false}, RedirectCase{"smartflo", true},
                                           RedirectCase{"class4", false}, RedirectCase{"class4", true}),
                         [](const ::testing::TestParamInfo<RedirectCase>& param) {
                           return param.param.vendor + (param.param.static_token ? "_token" : "_login");
                         });

}  // namespace
}  // namespace rosterd::testing
