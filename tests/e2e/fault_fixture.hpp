#pragma once
// What the fault-injection tests share: a fixture whose tenant is synced once and
// then changed (so that a run that wrongly succeeded would write), the contract of a
// failed run, and a scan of everything rosterd printed or stored for secrets.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <stdexcept>

#include "harness.hpp"

namespace rosterd::testing {

using sim::FaultKind;
using sim::SimUser;

constexpr int k_users = 45;
constexpr int k_page_size = 20;  // smartflo and class4 list 45 users in 3 pages

// Log lines at error level ("<time> error <message>").
inline std::vector<std::string> error_lines(const std::string& log) {
  static const std::regex k_error_line(R"(^\S+ error +.*)");
  std::vector<std::string> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (std::regex_match(line, k_error_line)) out.push_back(line);
  }
  return out;
}

// A TCP port bound on 127.0.0.1 but not listening: connections to it are refused
// for as long as this object lives (no other process can take the port meanwhile).
class DeadPort {
 public:
  DeadPort() : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    if (m_fd < 0 || ::bind(m_fd, generic, length) != 0 || ::getsockname(m_fd, generic, &length) != 0) {
      throw std::runtime_error("cannot bind a socket on 127.0.0.1");
    }
    m_port = ntohs(address.sin_port);
  }
  ~DeadPort() { ::close(m_fd); }
  DeadPort(const DeadPort&) = delete;
  DeadPort& operator=(const DeadPort&) = delete;
  [[nodiscard]] int port() const { return m_port; }

 private:
  int m_fd;
  int m_port = 0;
};

inline sim::Fault make_fault(FaultKind kind, int page = 0, int times = -1) {
  sim::Fault fault;
  fault.kind = kind;
  fault.page = page;
  fault.times = times;
  return fault;
}

// ASCII lower-casing, as rosterd normalizes emails (README, "Vendors").
inline std::string model_lower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

inline bool paged(const std::string& vendor) {
  return vendor == "smartflo" || vendor == "class4";
}

class FaultE2e : public E2eTest {
 protected:
  // A tenant named after its vendor, synced once; then vendor changes that a
  // successful run would write (one update, one removal, one addition).
  sim::Tenant& synced_tenant(const std::string& vendor, std::map<std::string, std::string> extra = {},
                             bool static_token = false) {
    auto& tenant = add_tenant(vendor, vendor, k_users, 11);
    if (paged(vendor)) extra.emplace("page_size", std::to_string(k_page_size));
    if (vendor == "crocodial") extra.emplace("datasets", "[users]");
    write_config({{tenant, extra, static_token}});
    const auto first = run();
    EXPECT_EQ(first.exit_code, 0) << first.all();
    const auto users = tenant.users();
    tenant.update_user(users[3].id, [](SimUser& u) { u.last_name = "Changed"; });
    tenant.remove_user(users[10].id);
    tenant.add_user();
    return tenant;
  }

  ProcessResult run(const std::vector<std::string>& args = {}) {
    auto result = sync(args);
    m_output += result.all();
    return result;
  }

  std::string last_run(const std::string& column) {
    return value("SELECT " + column + " FROM sync_runs ORDER BY id DESC LIMIT 1");
  }

  // The failed run's contract: exit 1, one error line naming the source, the request
  // and the cause; sync_runs says the same; no other table changed. Returns the
  // error message.
  std::string expect_failed(const ProcessResult& result, const std::string& source, const std::string& before,
                            const std::string& request, const std::string& cause,
                            const std::string& status = "failed") {
    EXPECT_EQ(result.exit_code, 1) << result.all();
    const auto errors = error_lines(result.err);
    EXPECT_EQ(errors.size(), 1u) << result.all();
    const std::string prefix = source + ": users: " + status + ": ";
    const auto at = errors.empty() ? std::string::npos : errors[0].find(prefix);
    EXPECT_NE(at, std::string::npos) << result.all();
    if (at == std::string::npos) return {};
    const auto message = errors[0].substr(at + prefix.size());
    if (!request.empty()) {
      EXPECT_NE(message.find(request), std::string::npos) << "names " << request << ": " << message;
    }
    EXPECT_NE(message.find(cause), std::string::npos) << "says " << cause << ": " << message;
    EXPECT_EQ(last_run("status"), status);
    EXPECT_EQ(last_run("error"), message);
    EXPECT_EQ(dump_data_tables(), before);
    return message;
  }

  // Faults cleared, the next run stores the tenant's listing.
  void expect_recovers(sim::Tenant& tenant) {
    tenant.clear_faults();
    const auto result = run();
    ASSERT_EQ(result.exit_code, 0) << result.all();
    EXPECT_EQ(last_run("status"), "ok");
    EXPECT_EQ(count("SELECT count(*) FROM current_users"), static_cast<std::int64_t>(tenant.users().size()));
    EXPECT_TRUE(error_lines(result.err).empty()) << result.err;
  }

  // README, "Sync semantics": no credential, token or served secret in anything rosterd printed or stored.
  void TearDown() override {
    std::set<std::string> secrets(m_config_secrets.begin(), m_config_secrets.end());
    for (auto* tenant : m_sim.tenants()) {
      for (const auto& s : tenant->served_secrets()) secrets.insert(s);
    }
    expect_no_secrets(secrets, m_output);
  }

  // Replaces text in the written config (a wrong credential, an unreachable URL).
  void edit_config(const std::string& from, const std::string& to) {
    auto text = read_bytes(config_path());
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(config_path(), std::ios::trunc) << text;
  }

  std::string m_output;
};

}  // namespace rosterd::testing
