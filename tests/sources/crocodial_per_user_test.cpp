// The CrocoDial source's per-user datasets (getUserInfo, getLiveAgentInfo) over a
// fake http::Client that answers by action and user, from several threads at once.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>

#include "fixture_support.hpp"
#include "source_test_support.hpp"
#include "sources/crocodial/crocodial_source.hpp"
#include "sources/crocodial/crocodial_user_info_json.hpp"
#include "sources/registry.hpp"

namespace rosterd::sources::crocodial {
namespace {

using namespace std::chrono_literals;
using sources::testing::expect_no_secret;
using sources::testing::LogCapture;
using sources::testing::read_fixture;
using sources::testing::RecordingRateTimer;
using sources::testing::source_config;

constexpr const char* k_per_user_url = "https://acme.croco-dial.net/goAPIv2/goUsers/goAPI.php";
constexpr const char* k_per_user_password = "croco-Pass-7731";
const std::vector<std::string> k_served_secrets = {k_per_user_password, "examplePass", "ABC123xyzHashValue", "phonePass123",
                                                   "voicePass123"};

std::string form_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> form_fields(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const auto pair = body.substr(0, body.find('&'));
    const auto equals = pair.find('=');
    fields[form_decode(pair.substr(0, equals))] = form_decode(pair.substr(equals + 1));
    body.remove_prefix(std::min(body.size(), pair.size() + 1));
  }
  return fields;
}

http::Response reply(std::string body, long status = 200) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Answers each request through `answer(action, user)`; thread-safe.
class PerUserClient final : public http::Client {
 public:
  using Answer = std::function<core::Result<http::Response>(const std::string& action, const std::string& user)>;
  explicit PerUserClient(Answer answer) : m_answer(std::move(answer)) {}

  core::Result<http::Response> send(const http::Request& request, std::stop_token stop) override {
    auto fields = form_fields(request.body);
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
      if (!stop.stop_possible()) m_missing_stop_token = true;
    }
    return m_answer(fields["goAction"], fields["user"]);
  }
  [[nodiscard]] std::vector<http::Request> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  [[nodiscard]] bool missing_stop_token() const {
    std::lock_guard lock(m_mutex);
    return m_missing_stop_token;
  }

 private:
  Answer m_answer;
  mutable std::mutex m_mutex;
  std::vector<http::Request> m_requests;
  bool m_missing_stop_token = false;
};

template <class Value>
class Recorder final : public PerUserSink<Value> {
 public:
  void result(const UserRef& user, Value&& value) override {
    std::lock_guard lock(m_mutex);
    results.emplace(user.username, std::move(value));
  }
  void failure(const UserRef& user, const core::Error& error) override {
    std::lock_guard lock(m_mutex);
    failures.emplace(user.username, error);
  }
  std::map<std::string, Value> results;
  std::map<std::string, core::Error> failures;

 private:
  std::mutex m_mutex;
};

std::string label(std::string_view action, std::string_view user) {
  return fmt::format("POST {} goAction={} user={}", k_per_user_url, action, user);
}

std::string per_user_agent_body(std::string_view status) {
  return fmt::format(R"({{"result":"success","data":{{"status":"{}","campaign_id":"","lead_id":0}}}})", status);
}

class CrocodialPerUserTest : public ::testing::Test {
 protected:
  std::unique_ptr<Source> make(std::vector<std::pair<std::string, std::string>> settings = {}) {
    settings.emplace_back("user", "api user");
    settings.emplace_back("password", k_per_user_password);
    return make_source_with_timer(source_config("crocodial", k_per_user_url, settings), timer);
  }
  core::Status user_info(Source& source, PerUserClient& client, std::span<const UserRef> refs) {
    RunContext context{client, stop.get_token()};
    return source.fetch_user_info(context, refs, infos);
  }
  core::Status agent_states(Source& source, PerUserClient& client, std::span<const UserRef> refs) {
    RunContext context{client, stop.get_token()};
    return source.fetch_agent_states(context, refs, states);
  }

  RecordingRateTimer timer;
  std::stop_source stop;
  Recorder<model::UserInfoResult> infos;
  Recorder<model::AgentState> states;
  const std::vector<UserRef> users = {{"2222", "jdoe"}, {"2223", "Ana Exp"}, {"2224", "maria.lopez"}};
};

TEST_F(CrocodialPerUserTest, PostsGetUserInfoPerUserWithCredentialsInTheForm) {
  const auto example = read_fixture("crocodial/user_info_doc_example.json");
  PerUserClient client([&](const std::string& action, const std::string&) -> core::Result<http::Response> {
    EXPECT_EQ(action, "getUserInfo");
    return reply(example);
  });
  auto source = make();
  ASSERT_TRUE(user_info(*source, client, users).ok());

  auto requests = client.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) { return a.label < b.label; });
  EXPECT_EQ(requests[0].url, k_per_user_url);
  EXPECT_EQ(requests[0].method, http::Method::post);
  EXPECT_EQ(requests[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_TRUE(requests[0].headers.empty());
  EXPECT_EQ(
      requests[0].body,
      fmt::format("goAction=getUserInfo&goUser=api%20user&goPass={}&responsetype=json&user=Ana%20Exp", k_per_user_password));
  EXPECT_EQ(requests[0].label, label("getUserInfo", "Ana Exp"));
  EXPECT_EQ(requests[1].label, label("getUserInfo", "jdoe"));
  EXPECT_EQ(requests[2].label, label("getUserInfo", "maria.lopez"));
  EXPECT_FALSE(client.missing_stop_token());

  ASSERT_EQ(infos.results.size(), 3u);
  EXPECT_TRUE(infos.failures.empty());
  EXPECT_EQ(infos.results.at("jdoe").stats.login_seconds, 8 * 3600);
  EXPECT_EQ(infos.results.at("maria.lopez").info.email, "example.user@example.com");
}

TEST_F(CrocodialPerUserTest, PostsGetLiveAgentInfoPerUser) {
  PerUserClient client([](const std::string& action, const std::string& user) -> core::Result<http::Response> {
    EXPECT_EQ(action, "getLiveAgentInfo");
    if (user == "jdoe") return reply(read_fixture("crocodial/live_agent_in_call_doc.json"));
    if (user == "Ana Exp") return reply(per_user_agent_body("PAUSE - LUNCH BREAK"));
    return reply(read_fixture("crocodial/live_agent_not_logged_in.json"));
  });
  auto source = make();
  ASSERT_TRUE(agent_states(*source, client, users).ok());
  EXPECT_TRUE(states.failures.empty());
  ASSERT_EQ(states.results.size(), 3u);
  EXPECT_EQ(states.results.at("jdoe").status, "IN CALL");
  EXPECT_EQ(states.results.at("jdoe").campaign_id, "CAMP001");
  EXPECT_EQ(states.results.at("Ana Exp").status, "PAUSE");
  EXPECT_EQ(states.results.at("Ana Exp").pause_reason, "LUNCH BREAK");
  EXPECT_EQ(states.results.at("maria.lopez").status, k_logged_out_status);
  for (const auto& request : client.requests()) {
    EXPECT_EQ(form_fields(request.body)["goAction"], "getLiveAgentInfo");
  }
}

TEST_F(CrocodialPerUserTest, OneUsersFailureGoesToTheSinkWithTheLabelAndTheOthersAreKept) {
  const auto example = read_fixture("crocodial/user_info_doc_example.json");
  PerUserClient client([&](const std::string&, const std::string& user) -> core::Result<http::Response> {
    if (user == "ghost") return reply(read_fixture("crocodial/error_invalid_value.json"));
    if (user == "cut") return reply(example.substr(0, example.size() / 2));
    if (user == "busy") return reply("<html>busy</html>", 503);
    if (user == "slow") return core::Error{core::ErrorKind::timeout, label("getUserInfo", "slow") + ": timed out"};
    return reply(example);
  });
  const std::vector<UserRef> refs = {{"1", "jdoe"}, {"2", "ghost"}, {"3", "cut"},        {"4", "busy"},
                                     {"5", "slow"}, {"6", ""},      {"7", "maria.lopez"}};
  auto source = make();
  ASSERT_TRUE(user_info(*source, client, refs).ok());

  EXPECT_EQ(infos.results.size(), 2u);
  EXPECT_EQ(infos.results.count("jdoe"), 1u);
  EXPECT_EQ(infos.results.count("maria.lopez"), 1u);
  ASSERT_EQ(infos.failures.size(), 5u);
  EXPECT_EQ(infos.failures.at("ghost").kind, core::ErrorKind::not_found);
  EXPECT_EQ(infos.failures.at("ghost").message,
            label("getUserInfo", "ghost") +
                ": unknown user (CrocoDial error 41004: Error: Invalid value in user. Doesn't exist)");
  EXPECT_EQ(infos.failures.at("cut").kind, core::ErrorKind::parse);
  EXPECT_EQ(infos.failures.at("cut").message.rfind(label("getUserInfo", "cut") + ": ", 0), 0u);
  EXPECT_EQ(infos.failures.at("busy").kind, core::ErrorKind::http);
  EXPECT_EQ(infos.failures.at("busy").message, label("getUserInfo", "busy") + ": HTTP 503");
  EXPECT_EQ(infos.failures.at("slow").message, label("getUserInfo", "slow") + ": timed out");  // not labelled twice
  EXPECT_EQ(infos.failures.at("").kind, core::ErrorKind::not_found);
  EXPECT_EQ(infos.failures.at("").message, label("getUserInfo", "") + ": user 6 has no username to ask about");
  EXPECT_EQ(client.requests().size(), 6u);  // none for the user without a name
}

TEST_F(CrocodialPerUserTest, RejectedCredentialsFailTheFetchAndStopAsking) {
  PerUserClient client([](const std::string&, const std::string&) -> core::Result<http::Response> {
    return reply(read_fixture("crocodial/error_permission.json"));
  });
  auto source = make({{"concurrency", "1"}});
  std::vector<UserRef> many;
  for (int i = 0; i < 50; ++i) many.push_back({std::to_string(i), fmt::format("agent{}", i)});
  auto status = agent_states(*source, client, many);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::auth);
  EXPECT_EQ(status.error().message, label("getLiveAgentInfo", "agent0") +
                                        ": CrocoDial error 10001: Error: You do not have permission to "
                                        "view this page");
  EXPECT_EQ(client.requests().size(), 1u);
  EXPECT_TRUE(states.failures.empty());
  EXPECT_TRUE(states.results.empty());
}

TEST_F(CrocodialPerUserTest, AHostThatCannotBeReachedFailsTheFetch) {
  PerUserClient client([](const std::string&, const std::string& user) -> core::Result<http::Response> {
    return core::Error{core::ErrorKind::connection, label("getUserInfo", user) + ": connection refused"};
  });
  auto source = make({{"concurrency", "1"}});
  auto status = user_info(*source, client, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::connection);
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(CrocodialPerUserTest, AStopRequestEndsTheFetchAsCancelled) {
  PerUserClient client([&](const std::string&, const std::string&) -> core::Result<http::Response> {
    stop.request_stop();
    return reply(per_user_agent_body("READY"));
  });
  auto source = make({{"concurrency", "1"}});
  auto status = agent_states(*source, client, users);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::cancelled);
  EXPECT_EQ(client.requests().size(), 1u);
}

TEST_F(CrocodialPerUserTest, HoldsTheConfiguredConcurrency) {
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int most = 0;
  PerUserClient client([&](const std::string&, const std::string&) -> core::Result<http::Response> {
    std::unique_lock lock(mutex);
    most = std::max(most, ++in_flight);
    changed.notify_all();
    // Hold the first calls until two are in flight, so the bound is reached.
    EXPECT_TRUE(changed.wait_for(lock, 20s, [&] { return most >= 2; }));
    --in_flight;
    return reply(per_user_agent_body("READY"));
  });
  auto source = make({{"concurrency", "2"}});
  std::vector<UserRef> many;
  for (int i = 0; i < 12; ++i) many.push_back({std::to_string(i), fmt::format("agent{}", i)});
  ASSERT_TRUE(agent_states(*source, client, many).ok());
  EXPECT_EQ(most, 2);
  EXPECT_EQ(states.results.size(), 12u);
}

TEST_F(CrocodialPerUserTest, PacesRequestsByTheConfiguredRateAcrossRuns) {
  PerUserClient client([](const std::string&, const std::string&) -> core::Result<http::Response> {
    return reply(per_user_agent_body("READY"));
  });
  auto source = make({{"max_requests_per_second", "4"}, {"concurrency", "3"}});
  ASSERT_TRUE(agent_states(*source, client, users).ok());
  ASSERT_TRUE(agent_states(*source, client, users).ok());
  const auto starts = timer.slots();
  ASSERT_EQ(starts.size(), 6u);
  for (std::size_t i = 1; i < starts.size(); ++i) EXPECT_EQ(starts[i] - starts[i - 1], 250ms) << i;
}

TEST_F(CrocodialPerUserTest, LogsPhpWarningsOnceAndNoSecretAnywhere) {
  const auto body = "<br />\n<b>Warning</b>:  Undefined array key \"log_ip\"<br />\n" +
                    read_fixture("crocodial/user_info_doc_example.json");
  PerUserClient client(
      [&](const std::string&, const std::string&) -> core::Result<http::Response> { return reply(body); });
  LogCapture logs;
  auto source = make({{"concurrency", "1"}});
  const std::vector<UserRef> refs = {{"1", "jdoe"}, {"2", "Ana Exp"}, {"3", "li"}};
  ASSERT_TRUE(user_info(*source, client, refs).ok());
  const auto lines = logs.lines();
  ASSERT_EQ(lines.size(), 2u) << logs.text();
  EXPECT_NE(lines[0].find("goAction=getUserInfo user=jdoe: "), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("3 of 3 getUserInfo responses had text before the JSON"), std::string::npos) << lines[1];

  std::vector<std::string> texts = lines;
  for (const auto& request : client.requests()) texts.push_back(request.label);
  for (const auto& [user, result] : infos.results) {
    for (const auto& [key, value] : result.info.attributes) texts.push_back(key + "=" + value);
  }
  expect_no_secret(texts, k_served_secrets);
}

TEST(CrocodialRegistry, OffersThePerUserDatasetsButDoesNotSyncThemByDefault) {
  const auto* type = find_source_type("crocodial");
  ASSERT_NE(type, nullptr);
  const auto& schema = type->schema;
  for (const char* key : {"concurrency", "max_requests_per_second", "agent_status_interval"}) {
    EXPECT_NE(schema.setting(key), nullptr) << key;
  }
  for (const char* dataset : {"user_stats", "agent_status"}) {
    EXPECT_NE(std::find(schema.datasets.begin(), schema.datasets.end(), dataset), schema.datasets.end());
    EXPECT_EQ(std::find(schema.default_datasets.begin(), schema.default_datasets.end(), dataset),
              schema.default_datasets.end());
  }
  EXPECT_EQ(schema.default_datasets, (std::vector<std::string>{"users", "portfolios", "profiles", "campaigns"}));
}

}  // namespace
}  // namespace rosterd::sources::crocodial
