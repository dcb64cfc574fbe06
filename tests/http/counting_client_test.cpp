#include "http/counting_client.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "builders.hpp"

namespace rosterd::http {
namespace {

// Answers with a body of the requested length, or fails when the URL says so.
class SizedClient final : public Client {
 public:
  core::Result<Response> send(const Request& request, std::stop_token) override {
    if (request.url == "fail") return core::Error{core::ErrorKind::timeout, "GET fail: timed out"};
    return testing::response(200, std::string(std::stoul(request.url), 'x'));
  }
};

TEST(CountingClient, CountsEveryRequestAndTheBytesOfResponses) {
  SizedClient inner;
  TransferCounters counters;
  CountingClient client(inner, counters);
  ASSERT_TRUE(client.send(testing::get("100")).ok());
  ASSERT_TRUE(client.send(testing::get("0")).ok());
  ASSERT_FALSE(client.send(testing::get("fail")).ok());
  EXPECT_EQ(client.snapshot().requests, 3);
  EXPECT_EQ(client.snapshot().bytes, 100);
  EXPECT_EQ(counters.requests, 3);
  EXPECT_EQ(counters.bytes, 100);
}

TEST(CountingClient, ConcurrentSendsLoseNoCounts) {
  SizedClient inner;
  TransferCounters counters;
  CountingClient client(inner, counters);
  std::vector<std::thread> workers;
  for (int worker = 0; worker < 4; ++worker) {
    workers.emplace_back([&client] {
      for (int i = 0; i < 2000; ++i) (void)client.send(testing::get("3"));
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(counters.requests, 8000);
  EXPECT_EQ(counters.bytes, 24000);
}

}  // namespace
}  // namespace rosterd::http
