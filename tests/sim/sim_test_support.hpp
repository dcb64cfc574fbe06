#pragma once
// Helpers for the simulator tests: a started Simulator, an httplib client on it, JSON
// parsing, and a raw socket client that shows exactly what went over the wire.

#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sim/simulator.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim::testing {

// A simulator on a free port with nothing else running.
class SimTest : public ::testing::Test {
 protected:
  SimTest() = default;
  // Serves `extra_vendors` too (sim/vendor_module.hpp).
  explicit SimTest(std::span<const VendorModule> extra_vendors) : sim(SimulatorOptions{}, extra_vendors) {}

  void SetUp() override { sim.start(0); }

  Tenant& add(std::string name, const std::string& vendor, int users = 20, std::uint64_t seed = 7) {
    TenantOptions options;
    options.name = std::move(name);
    options.vendor = vendor;
    options.users = users;
    options.seed = seed;
    return sim.add_tenant(std::move(options));
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", sim.port());
    c.set_read_timeout(10, 0);
    return c;
  }

  Simulator sim;
};

// Parses `text` into a document that stays valid as long as the Json object.
class Json {
 public:
  explicit Json(std::string_view text) : m_text(text) { m_error = m_parser.parse(m_text).get(m_root); }
  [[nodiscard]] bool ok() const { return m_error == simdjson::SUCCESS; }
  [[nodiscard]] simdjson::dom::element root() const { return m_root; }
  simdjson::dom::element operator[](std::string_view key) const { return m_root[key].value(); }

 private:
  std::string m_text;
  simdjson::dom::parser m_parser;
  simdjson::dom::element m_root;
  simdjson::error_code m_error = simdjson::UNINITIALIZED;
};

std::string str(const simdjson::dom::element& e);   // the string value, or "" with a test failure
std::int64_t num(const simdjson::dom::element& e);  // the integer value, or 0 with a test failure

// What a raw HTTP/1.1 exchange returned: the header block and every body byte up to
// the close (chunk framing left in place).
struct RawResponse {
  int status = 0;
  std::string headers;  // lower-cased
  std::string body;
  bool timed_out = false;  // no byte arrived within the read timeout
  [[nodiscard]] bool has_header(std::string_view name) const;
  [[nodiscard]] std::string header(std::string_view name) const;
};

// Sends `request_line` (e.g. "GET /x HTTP/1.1") with Host and Connection: close and
// reads until the server closes or `read_timeout_ms` passes without data.
RawResponse raw_request(int port, const std::string& request_line, const std::string& extra_headers = {},
                        const std::string& body = {}, int read_timeout_ms = 10000);

// CrocoDial form body with the tenant's credentials and responsetype=json.
httplib::Params croco_params(const Tenant& tenant, const std::string& action);

// The tenant's Worksection get_users path, signed.
std::string worksection_path(const Tenant& tenant);

std::string smartflo_login(httplib::Client& client, const Tenant& tenant);
std::string class4_login(httplib::Client& client, const Tenant& tenant);

}  // namespace rosterd::sim::testing
