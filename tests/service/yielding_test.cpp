// The decorators that give a run's slot back while it waits: http::YieldingClient
// (each request, and a retry's back-off) and service::YieldingSource (a per-user
// fetch as a whole), driven with fakes and a real RunSlots/SlotLease.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/retrying_client.hpp"
#include "http/yielding_client.hpp"
#include "service/run_slots.hpp"
#include "service/yielding_source.hpp"

namespace rosterd::service {
namespace {

using http::AfterWait;

http::Response status(long code) {
  http::Response response;
  response.status = code;
  return response;
}

// Answers from a script (the last answer repeats) and records, for each request,
// whether the run held its slot while the request was in flight. Safe to call from
// several threads at once, as a per-user fetch does.
class ScriptedClient final : public http::Client {
 public:
  ScriptedClient(std::vector<core::Result<http::Response>> script, const SlotLease* lease)
      : m_script(std::move(script)), m_lease(lease) {}
  core::Result<http::Response> send(const http::Request&, std::stop_token) override {
    const std::scoped_lock lock(m_mutex);
    if (m_lease != nullptr) held_while_sending.push_back(m_lease->holds_slot());
    if (throws) throw std::runtime_error("out of memory, say");
    const auto index = std::min(m_calls++, m_script.size() - 1);
    return m_script[index];
  }
  // Read only once no request is in flight.
  std::vector<bool> held_while_sending;
  bool throws = false;

 private:
  std::mutex m_mutex;
  std::vector<core::Result<http::Response>> m_script;
  std::size_t m_calls = 0;
  const SlotLease* m_lease;
};

// Records what it is told.
class RecordingObserver final : public http::WaitObserver {
 public:
  void wait_begins() noexcept override { events.push_back("begins"); }
  void wait_ends(AfterWait after) noexcept override {
    events.push_back(after == AfterWait::working ? "ends: working" : "ends: may retry");
  }
  std::vector<std::string> events;
};

TEST(YieldingClient, TellsWhetherTheRetryDecoratorMayWaitAndSendAgain) {
  struct Case {
    core::Result<http::Response> outcome;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {status(200), "ends: working"},
      {status(404), "ends: working"},
      {status(401), "ends: working"},
      {status(503), "ends: may retry"},
      {status(429), "ends: may retry"},
      {core::Error{core::ErrorKind::timeout, "timed out"}, "ends: may retry"},
      {core::Error{core::ErrorKind::connection, "refused"}, "ends: may retry"},
      {core::Error{core::ErrorKind::tls, "bad certificate"}, "ends: working"},
      {core::Error{core::ErrorKind::cancelled, "cancelled"}, "ends: working"},
  };
  for (const auto& c : cases) {
    ScriptedClient inner({c.outcome}, nullptr);
    RecordingObserver observer;
    http::YieldingClient client(inner, observer);
    (void)client.send(http::Request{});
    EXPECT_EQ(observer.events, (std::vector<std::string>{"begins", c.expected}));
  }
}

TEST(YieldingClient, EndsTheWaitWhenTheTransportThrows) {
  ScriptedClient inner({status(200)}, nullptr);
  inner.throws = true;
  RecordingObserver observer;
  http::YieldingClient client(inner, observer);
  EXPECT_THROW((void)client.send(http::Request{}), std::runtime_error);
  EXPECT_EQ(observer.events, (std::vector<std::string>{"begins", "ends: working"}));
}

// The sleeper of the retry decorator, checking the run's slot during each back-off.
class CheckingSleeper final : public http::Sleeper {
 public:
  explicit CheckingSleeper(const SlotLease& lease) : m_lease(lease) {}
  bool sleep_for(std::chrono::milliseconds, std::stop_token) override {
    held_while_sleeping.push_back(m_lease.holds_slot());
    return true;
  }
  std::vector<bool> held_while_sleeping;

 private:
  const SlotLease& m_lease;
};

// The order a run's requests go through: retrying -> (counting ->) yielding -> transport.
TEST(YieldingClient, UnderTheRetryDecoratorARunHoldsNoSlotWhileSendingOrBackingOff) {
  RunSlots slots(1);
  SlotLease lease(slots, {});
  ASSERT_TRUE(lease.start());
  ScriptedClient transport({status(503), core::Error{core::ErrorKind::timeout, "timed out"}, status(200)}, &lease);
  http::YieldingClient yielding(transport, lease);
  CheckingSleeper sleeper(lease);
  http::RetryingClient retrying(yielding, http::RetryPolicy{}, sleeper, [] { return std::uint64_t{0}; });

  const auto result = retrying.send(http::Request{});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(transport.held_while_sending, (std::vector<bool>{false, false, false}));
  EXPECT_EQ(sleeper.held_while_sleeping, (std::vector<bool>{false, false}));
  EXPECT_TRUE(lease.holds_slot()) << "the answer is parsed with a slot";
  EXPECT_EQ(slots.usage().held, 1U);
}

TEST(YieldingClient, ARunThatRanOutOfRetriesRecordsItsFailureWithoutASlot) {
  RunSlots slots(1);
  {
    SlotLease lease(slots, {});
    ASSERT_TRUE(lease.start());
    ScriptedClient transport({status(503)}, &lease);
    http::YieldingClient yielding(transport, lease);
    CheckingSleeper sleeper(lease);
    http::RetryingClient retrying(yielding, http::RetryPolicy{}, sleeper, [] { return std::uint64_t{0}; });
    const auto result = retrying.send(http::Request{});
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->status, 503);
    EXPECT_EQ(slots.usage().held, 0U) << "the failure is recorded without a slot";
  }
  EXPECT_EQ(slots.usage().held, 0U);
  EXPECT_TRUE(slots.acquire(RunSlots::Turn::start, {}));
}

// A source whose per-user fetch makes calls on two threads, like run_per_user().
class PerUserSource final : public sources::Source {
 public:
  PerUserSource(http::Client& http, const SlotLease& lease) : m_http(http), m_lease(lease) {}
  [[nodiscard]] const std::string& name() const override { return m_name; }
  core::Status fetch_users(sources::RunContext&, sources::UserSink&) override {
    held_during_listing = m_lease.holds_slot();
    return {};
  }
  core::Status fetch_agent_states(sources::RunContext&, std::span<const sources::UserRef>,
                                  sources::PerUserSink<model::AgentState>&) override {
    held_between_calls.push_back(m_lease.holds_slot());
    {
      std::vector<std::jthread> workers;
      for (int w = 0; w < 2; ++w) {
        workers.emplace_back([this] {
          for (int i = 0; i < 5; ++i) {
            (void)m_http.send(http::Request{});
            // The pause a rate cap makes between two calls.
            held_between_calls_atomic.fetch_or(m_lease.holds_slot() ? 1 : 0);
          }
        });
      }
    }
    return {};
  }
  core::Status check_connection(sources::RunContext&) override { return {}; }

  bool held_during_listing = false;
  std::vector<bool> held_between_calls;
  std::atomic<int> held_between_calls_atomic{0};

 private:
  std::string m_name = "dialer";
  http::Client& m_http;
  const SlotLease& m_lease;
};

class NullUserSink final : public sources::UserSink {
 public:
  using sources::UserSink::add;
  void restart() override {}
  core::Status add(model::User&&) override { return {}; }
};
class NullAgentSink final : public sources::PerUserSink<model::AgentState> {
 public:
  void result(const sources::UserRef&, model::AgentState&&) override {}
  void failure(const sources::UserRef&, const core::Error&) override {}
};

TEST(YieldingSource, APerUserFetchHoldsNoSlotEvenBetweenItsCalls) {
  RunSlots slots(1);
  SlotLease lease(slots, {});
  ASSERT_TRUE(lease.start());
  ScriptedClient transport({status(200)}, &lease);
  http::YieldingClient http(transport, lease);
  PerUserSource inner(http, lease);
  YieldingSource source(inner, lease);
  sources::RunContext context{http, {}};

  NullAgentSink agents;
  ASSERT_TRUE(source.fetch_agent_states(context, {}, agents).ok());
  EXPECT_EQ(inner.held_between_calls, (std::vector<bool>{false}));
  EXPECT_EQ(inner.held_between_calls_atomic.load(), 0) << "not even between two calls of one thread";
  EXPECT_EQ(transport.held_while_sending, std::vector<bool>(10, false));
  EXPECT_TRUE(lease.holds_slot()) << "planning and writing the results takes a slot";

  NullUserSink users;
  ASSERT_TRUE(source.fetch_users(context, users).ok());
  EXPECT_TRUE(inner.held_during_listing) << "a listing parses its pages with the slot (its requests yield it)";
  EXPECT_EQ(source.name(), "dialer");
}

}  // namespace
}  // namespace rosterd::service
