// End-to-end: CrocoDial's per-user datasets (README, "Vendors"). The real rosterd
// binary polls the simulator's getUserInfo and getLiveAgentInfo; expected values
// are read from what the simulator serves, not from rosterd's code.

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>

#include "core/timestamp.hpp"
#include "harness.hpp"

namespace rosterd::testing {
namespace {

using namespace std::chrono_literals;
using sim::SimUser;

std::string query_escape(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// "HH:MM:SS" -> seconds, computed here rather than by rosterd's parser.
std::string hms_seconds(std::string_view text) {
  int h = 0, m = 0, s = 0;
  EXPECT_EQ(std::sscanf(std::string(text).c_str(), "%d:%d:%d", &h, &m, &s), 3) << text;
  return std::to_string(h * 3600 + m * 60 + s);
}

std::int64_t unix_ms(const std::string& timestamp) {
  const auto parsed = core::parse_timestamp(timestamp);
  EXPECT_TRUE(parsed) << timestamp;
  return std::chrono::duration_cast<std::chrono::milliseconds>(parsed.value_or(core::SystemTime{}).time_since_epoch())
      .count();
}

constexpr const char* k_stats_columns =
    "SELECT login_seconds, after_call_seconds, break_seconds, pause_seconds, available_seconds, avg_wait_seconds, "
    "talk_seconds, talk_available_seconds, total_calls, denied, lip, vrf, sales, printf('%.3f', sla_productivity), "
    "coalesce(first_activity, '<null>'), coalesce(last_activity, '<null>'), stat_date FROM user_stats ";

class CrocodialDepthE2e : public E2eTest {
 protected:
  sim::Tenant& dialer = add_tenant("acme", "crocodial", 14, 7);

  void configure() {
    write_config({{dialer,
                   {{"datasets", "[users, user_stats, agent_status]"},
                    {"concurrency", "4"},
                    {"max_requests_per_second", "1000"}}}});
  }

  std::string last_run(const std::string& dataset, const std::string& column) {
    return value("SELECT " + column + " FROM sync_runs WHERE source = 'acme' AND dataset = '" + dataset +
                 "' ORDER BY id DESC LIMIT 1");
  }

  std::vector<SimUser> active_users() {
    auto users = dialer.users();
    users.erase(std::remove_if(users.begin(), users.end(), [](const SimUser& u) { return !u.active; }), users.end());
    return users;
  }

  // getUserInfo's user_stats as the simulator serves them, in k_stats_columns order
  // (without stat_date).
  std::vector<std::string> served_stats(const SimUser& user) {
    const auto& o = dialer.options();
    const auto body =
        http_get(dialer.config_url() + "?goAction=getUserInfo&goUser=" + query_escape(o.user) +
                 "&goPass=" + query_escape(o.password) + "&user=" + query_escape(user.username) + "&responsetype=json");
    simdjson::dom::parser parser;
    simdjson::dom::element stats;
    EXPECT_EQ(parser.parse(body)["data"]["user_stats"].get(stats), simdjson::SUCCESS) << body;
    std::vector<std::string> out;
    for (const char* key :
         {"login_time", "after_call", "break", "pause", "avalible", "avg_wait", "talk", "talk_avalible"}) {
      out.push_back(hms_seconds(std::string_view(stats[key].get_string().value())));
    }
    for (const char* key : {"total_calls", "denied", "lip", "vrf", "sales"}) {
      out.push_back(std::to_string(stats[key].get_int64().value()));
    }
    const std::string sla(stats["sla_productivity"].get_string().value());
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.3f", std::stod(sla.substr(0, sla.find('%'))));
    out.emplace_back(percent);
    for (const char* key : {"first_activity", "last_activity"}) out.emplace_back(stats[key].get_string().value());
    return out;
  }

  // Polls agent_status once; returns the poll time rosterd recorded.
  std::string poll_agents() {
    const auto result = sync({"--dataset", "agent_status"});
    EXPECT_EQ(result.exit_code, 0) << result.all();
    EXPECT_EQ(last_run("agent_status", "status"), "ok");
    return last_run("agent_status", "started_at");
  }

  // Lets the wall clock pass `after` by more than a second, so that the intervals
  // between polls last whole seconds.
  static void wait_past(const std::string& after) {
    const auto until = unix_ms(after) + 1100;
    ASSERT_TRUE(eventually(
        [&] {
          return std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count() > until;
        },
        10s));
  }
};

TEST_F(CrocodialDepthE2e, UserStatsConvertExactlyAndEnrichTheUsers) {
  configure();
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);
  const auto result = sync({"--dataset", "user_stats"});
  ASSERT_EQ(result.exit_code, 0) << result.all();
  EXPECT_EQ(last_run("user_stats", "status"), "ok");

  const auto users = dialer.users();
  const auto stat_date = last_run("user_stats", "substr(started_at, 1, 10)");
  EXPECT_EQ(count("SELECT count(*) FROM user_stats WHERE source = 'acme'"), static_cast<std::int64_t>(users.size()));
  for (const auto& user : users) {
    SCOPED_TRACE(user.username);
    const auto id = std::to_string(user.id);
    const auto stored = rows(k_stats_columns + std::string("WHERE source = 'acme' AND external_id = '") + id + "'");
    ASSERT_EQ(stored.size(), 1u);
    auto expected = served_stats(user);
    expected.push_back(stat_date);
    EXPECT_EQ(stored[0], expected);
    // getUserInfo's part of the user (README, "Vendors": email, phone_login, user_group).
    EXPECT_EQ(rows("SELECT email, phone, user_group FROM users WHERE source = 'acme' AND external_id = '" + id + "'"),
              (std::vector<std::vector<std::string>>{
                  {or_null(lower(user.email)), or_null(user.phone), or_null(user.group)}}));
  }
  // Unchanged statistics on a second poll write nothing new.
  const auto before = dump_data_tables();
  ASSERT_EQ(sync({"--dataset", "user_stats"}).exit_code, 0);
  EXPECT_SAME_DATA(before, dump_data_tables());
}

TEST_F(CrocodialDepthE2e, AgentStatusPollsBecomeIntervalsBoundedByThePollTimes) {
  configure();
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);
  const auto agents = active_users();
  ASSERT_GE(agents.size(), 4u);
  const auto a = agents[0].id, b = agents[1].id, c = agents[2].id;
  for (const auto& agent : agents) dialer.set_agent_status(agent.id, "READY");

  dialer.set_agent_status(b, "PAUSE - LUNCH BREAK");
  dialer.set_agent_status(c, "IN CALL");
  const auto t1 = poll_agents();
  wait_past(t1);
  dialer.set_agent_status(a, "IN CALL");
  dialer.set_agent_status(c, "PAUSE - BREAK");
  const auto t2 = poll_agents();
  wait_past(t2);
  dialer.set_agent_status(a, "DISPOSITION");
  dialer.set_agent_status(b, "READY");
  const auto t3 = poll_agents();
  ASSERT_LT(t1, t2);
  ASSERT_LT(t2, t3);

  // external_id, started_at, ended_at, status, pause_reason
  using Row = std::vector<std::string>;
  std::vector<Row> expected;
  const auto id = [](std::int64_t n) { return std::to_string(n); };
  for (const auto& agent : agents) {
    if (agent.id != a && agent.id != b && agent.id != c)
      expected.push_back({id(agent.id), t1, "<null>", "READY", "<null>"});
  }
  expected.push_back({id(a), t1, t2, "READY", "<null>"});
  expected.push_back({id(a), t2, t3, "IN CALL", "<null>"});
  expected.push_back({id(a), t3, "<null>", "DISPOSITION", "<null>"});
  expected.push_back({id(b), t1, t3, "PAUSE", "LUNCH BREAK"});
  expected.push_back({id(b), t3, "<null>", "READY", "<null>"});
  expected.push_back({id(c), t1, t2, "IN CALL", "<null>"});
  expected.push_back({id(c), t2, "<null>", "PAUSE", "BREAK"});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows("SELECT external_id, started_at, coalesce(ended_at, '<null>'), status, coalesce(pause_reason, "
                 "'<null>') FROM agent_status_log WHERE source = 'acme' ORDER BY external_id, started_at"),
            expected);
  EXPECT_EQ(rows("SELECT status, coalesce(pause_reason, '<null>'), since FROM agent_status WHERE source = 'acme' "
                 "AND external_id IN ('" +
                 id(a) + "', '" + id(b) + "', '" + id(c) + "') ORDER BY external_id = '" + id(a) +
                 "' DESC, external_id = '" + id(b) + "' DESC"),
            (std::vector<Row>{{"DISPOSITION", "<null>", t3}, {"READY", "<null>", t3}, {"PAUSE", "BREAK", t2}}));

  // agent_state_durations: each closed interval's length, split at UTC midnight
  // and rounded to whole seconds per day, computed here from the recorded times.
  const auto expect_seconds = [&](std::int64_t agent, const std::string& status, const std::string& reason,
                                  const std::string& from, const std::string& to) {
    SCOPED_TRACE(id(agent) + " " + status);
    const auto stored =
        rows("SELECT day, seconds FROM agent_state_durations WHERE source = 'acme' AND external_id = '" + id(agent) +
             "' AND status = '" + status + "' AND coalesce(pause_reason, '') = '" + reason + "' ORDER BY day");
    constexpr std::int64_t k_day_ms = 86'400'000;
    std::vector<Row> pieces;
    for (auto start = unix_ms(from), end = unix_ms(to); start < end;) {
      const auto piece_end = std::min(end, (start / k_day_ms + 1) * k_day_ms);
      const auto day = core::format_timestamp(core::SystemTime{} + std::chrono::milliseconds(start)).substr(0, 10);
      const auto ms = piece_end - start;
      // A length of exactly x.500 s may round either way in the view's floating point.
      const auto seconds = ms % 1000 == 500 && pieces.size() < stored.size() ? stored[pieces.size()][1]
                                                                             : std::to_string((ms + 500) / 1000);
      pieces.push_back({day, seconds});
      start = piece_end;
    }
    EXPECT_EQ(stored, pieces);
    std::int64_t total = 0;
    for (const auto& piece : pieces) total += std::stoll(piece[1]);
    EXPECT_GE(total, 1) << "polls were more than a second apart";
  };
  expect_seconds(a, "READY", "", t1, t2);
  expect_seconds(a, "IN CALL", "", t2, t3);
  expect_seconds(b, "PAUSE", "LUNCH BREAK", t1, t3);
  expect_seconds(c, "IN CALL", "", t1, t2);
}

TEST_F(CrocodialDepthE2e, AUserTheVendorNoLongerKnowsMakesTheRunPartialAndTheOthersAreStored) {
  configure();
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);
  auto agents = active_users();
  ASSERT_GE(agents.size(), 3u);
  for (const auto& agent : agents) dialer.set_agent_status(agent.id, "READY");
  const auto gone = agents[1];
  dialer.remove_user(gone.id);  // after the listing: getUserInfo/getLiveAgentInfo answer 41004

  const auto stats = sync({"--dataset", "user_stats"});
  EXPECT_EQ(stats.exit_code, 1) << stats.all();
  EXPECT_EQ(last_run("user_stats", "status"), "partial");
  const auto listed = static_cast<std::int64_t>(dialer.users().size()) + 1;
  const auto stats_error = last_run("user_stats", "error");
  EXPECT_EQ(stats_error.rfind("1 of " + std::to_string(listed) + " users failed: " + gone.username + ": ", 0), 0u)
      << stats_error;
  EXPECT_NE(stats_error.find("goAction=getUserInfo user=" + gone.username + ": unknown user"), std::string::npos)
      << stats_error;
  EXPECT_EQ(count("SELECT count(*) FROM user_stats WHERE source = 'acme'"), listed - 1);
  EXPECT_EQ(count("SELECT count(*) FROM user_stats WHERE external_id = '" + std::to_string(gone.id) + "'"), 0);

  const auto states = sync({"--dataset", "agent_status"});
  EXPECT_EQ(states.exit_code, 1) << states.all();
  EXPECT_EQ(last_run("agent_status", "status"), "partial");
  const auto states_error = last_run("agent_status", "error");
  EXPECT_NE(states_error.find(gone.username + ": "), std::string::npos) << states_error;
  EXPECT_NE(states_error.find("goAction=getLiveAgentInfo user=" + gone.username + ": unknown user"), std::string::npos)
      << states_error;
  EXPECT_EQ(count("SELECT count(*) FROM agent_status WHERE source = 'acme'"),
            static_cast<std::int64_t>(agents.size()) - 1);
  EXPECT_EQ(count("SELECT count(*) FROM agent_status WHERE external_id = '" + std::to_string(gone.id) + "'"), 0);
}

TEST_F(CrocodialDepthE2e, RejectedCredentialsFailTheRunAndStoreNothing) {
  configure();
  ASSERT_EQ(sync({"--dataset", "users"}).exit_code, 0);
  sim::Fault permission;
  permission.kind = sim::FaultKind::vendor_error;
  permission.endpoint = sim::Endpoint::user_info;
  permission.error = "permission";
  dialer.set_fault(permission);
  const auto before = dump_data_tables();
  const auto result = sync({"--dataset", "user_stats"});
  EXPECT_EQ(result.exit_code, 1) << result.all();
  EXPECT_EQ(last_run("user_stats", "status"), "failed");
  EXPECT_NE(last_run("user_stats", "error").find("goAction=getUserInfo user="), std::string::npos);
  EXPECT_NE(last_run("user_stats", "error").find("CrocoDial error 10001"), std::string::npos);
  EXPECT_SAME_DATA(before, dump_data_tables());
  // One rejection ends the run: not one request per user.
  EXPECT_LT(dialer.stats().by_endpoint["user_info"], dialer.users().size());
}

TEST_F(CrocodialDepthE2e, NoServedSecretReachesTheDatabaseOrTheOutput) {
  configure();
  std::string output;
  auto run = [&](const std::vector<std::string>& args) {
    const auto r = sync(args);
    output += r.all();
    return r.exit_code;
  };
  EXPECT_EQ(run({"--dataset", "users", "--log-level", "debug"}), 0);
  EXPECT_EQ(run({"--dataset", "user_stats", "--log-level", "debug"}), 0);
  EXPECT_EQ(run({"--dataset", "agent_status", "--log-level", "debug"}), 0);
  dialer.remove_user(active_users().front().id);
  sim::Fault warning;
  warning.kind = sim::FaultKind::php_warning;
  warning.endpoint = sim::Endpoint::user_info;
  dialer.set_fault(warning);
  EXPECT_EQ(run({"--dataset", "user_stats", "--log-level", "debug"}), 1);
  EXPECT_EQ(run({"--dataset", "agent_status", "--dry-run", "--log-level", "debug"}), 1);

  std::set<std::string> secrets(m_config_secrets.begin(), m_config_secrets.end());
  for (const auto& s : dialer.served_secrets()) secrets.insert(s);
  ASSERT_GT(secrets.size(), 4 * dialer.users().size()) << "pass, pass_hash, phone_pass, voicemail_pass per user";
  ASSERT_GT(count("SELECT count(*) FROM user_stats"), 0);
  expect_no_secrets(secrets, output);
}

}  // namespace
}  // namespace rosterd::testing
