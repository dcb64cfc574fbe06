// End-to-end: a vendor answers 503 once, then normally. The run succeeds, and the
// one retry line, like every line about a source, starts with the source's name.

#include <regex>

#include "harness.hpp"

namespace rosterd::testing {
namespace {

class RetryLogE2e : public E2eTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(RetryLogE2e, TheRetryLineStartsWithTheSourceName) {
  const std::string name = "src-" + GetParam();
  auto& tenant = add_tenant(name, GetParam(), 12);
  const bool paged = GetParam() == "smartflo" || GetParam() == "class4";
  write_config({{tenant, paged ? std::map<std::string, std::string>{{"page_size", "5"}}
                               : std::map<std::string, std::string>{}}});
  sim::Fault fault;
  fault.kind = sim::FaultKind::http_status;
  fault.status = 503;
  fault.page = 1;
  fault.times = 1;
  tenant.set_fault(fault);

  const auto result = sync();
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_TRUE(tenant.faults().empty()) << "the 503 was served";
  const auto retries = lines_with(result.err, "; retrying in ");
  ASSERT_EQ(retries.size(), 1u) << result.err;
  // Outside the journal a line is "<UTC time> <level> <message>".
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(retries[0], parts, std::regex(R"(^\S+ +(\S+) +(.*)$)"))) << retries[0];
  EXPECT_EQ(parts[1].str(), "warning");
  const auto message = parts[2].str();
  EXPECT_TRUE(message.starts_with(name + ": GET ") || message.starts_with(name + ": POST ")) << message;
  EXPECT_NE(message.find(": HTTP 503; retrying in "), std::string::npos) << message;
  EXPECT_EQ(value("SELECT status FROM sync_runs WHERE dataset = 'users'"), "ok");
}

INSTANTIATE_TEST_SUITE_P(Vendors, RetryLogE2e, ::testing::Values("crocodial", "worksection", "smartflo", "class4"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace rosterd::testing
