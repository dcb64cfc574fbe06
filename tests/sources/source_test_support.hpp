#pragma once
// Shared by the source tests: a scripted http::Client (expects requests in order,
// records them, answers with canned Responses or Errors), a recording sink, a
// log capture and SourceConfig builders.

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "http/http_client.hpp"
#include "sources/per_user.hpp"
#include "sources/source.hpp"

namespace rosterd::sources::testing {

inline const char* method_name(http::Method method) {
  return method == http::Method::post ? "POST" : "GET";
}

// "GET https://host/path?query": what the scripted client compares.
inline std::string method_and_url(const http::Request& request) {
  return std::string(method_name(request.method)) + " " + request.url;
}

inline std::optional<std::string> header(const http::Request& request, std::string_view name) {
  for (const auto& h : request.headers) {
    if (h.name == name) return h.value;
  }
  return std::nullopt;
}

class ScriptedClient final : public http::Client {
 public:
  class Step {
   public:
    Step& reply(long status, std::string body) {
      http::Response response;
      response.status = status;
      response.body = std::move(body);
      m_answer = std::move(response);
      return *this;
    }
    // The Link headers of the answer (set reply() first).
    Step& link(std::string value) {
      m_answer->value().link = std::move(value);
      return *this;
    }
    Step& fail(core::ErrorKind kind, std::string message) {
      m_answer = core::Error{kind, std::move(message)};
      return *this;
    }
    // Runs when the request arrives, before the answer is returned.
    Step& then(std::function<void()> action) {
      m_action = std::move(action);
      return *this;
    }

   private:
    friend class ScriptedClient;
    std::string m_expected;
    std::optional<core::Result<http::Response>> m_answer;
    std::function<void()> m_action;
  };

  // The next request must be `method` `url` (the full URL, query included).
  Step& expect(http::Method method, std::string url) {
    m_script.emplace_back();
    m_script.back().m_expected = std::string(method_name(method)) + " " + std::move(url);
    return m_script.back();
  }

  core::Result<http::Response> send(const http::Request& request, std::stop_token stop) override {
    m_requests.push_back(request);
    m_stop_possible.push_back(stop.stop_possible());
    if (m_script.empty()) {
      ADD_FAILURE() << "unexpected request " << method_and_url(request);
      return core::Error{core::ErrorKind::internal, "unscripted request"};
    }
    Step step = std::move(m_script.front());
    m_script.pop_front();
    EXPECT_EQ(method_and_url(request), step.m_expected) << "request #" << m_requests.size();
    if (step.m_action) step.m_action();
    if (!step.m_answer) return core::Error{core::ErrorKind::internal, "step without an answer"};
    return *step.m_answer;
  }

  [[nodiscard]] const std::vector<http::Request>& requests() const { return m_requests; }
  [[nodiscard]] std::size_t unused_steps() const { return m_script.size(); }
  // Whether every request was given a stop token that can be requested.
  [[nodiscard]] bool every_request_had_stop_token() const {
    return std::all_of(m_stop_possible.begin(), m_stop_possible.end(), [](bool b) { return b; });
  }

 private:
  std::deque<Step> m_script;
  std::vector<http::Request> m_requests;
  std::vector<bool> m_stop_possible;
};

template <class Record>
class RecordingSink final : public Sink<Record> {
 public:
  using Sink<Record>::add;  // add(record, digest) hands the record to add(record)
  void restart() override {
    ++restarts;
    records.clear();
  }
  // Like the planner (the real sink), a repeated id fails the listing.
  core::Status add(Record&& record) override {
    if (fail_after && records.size() == *fail_after) return core::Error{core::ErrorKind::storage, "sink is full"};
    const auto& key = key_of(record);
    for (const auto& seen : records) {
      if (key_of(seen) == key) {
        return core::Error{core::ErrorKind::incomplete, "id " + key + " appears twice in the listing"};
      }
    }
    records.push_back(std::move(record));
    return {};
  }

  static const std::string& key_of(const Record& record) {
    if constexpr (std::is_same_v<Record, model::User>) {
      return record.external_id;
    } else {
      return record.key;
    }
  }

  std::vector<Record> records;
  int restarts = 0;
  std::optional<std::size_t> fail_after;  // add() fails once this many records were taken
};
using UserRecorder = RecordingSink<model::User>;
using EntityRecorder = RecordingSink<model::NamedEntity>;

template <class Record>
std::vector<std::string> keys_of(const std::vector<Record>& records) {
  std::vector<std::string> keys;
  for (const auto& record : records) {
    if constexpr (std::is_same_v<Record, model::User>) {
      keys.push_back(record.external_id);
    } else {
      keys.push_back(record.key);
    }
  }
  return keys;
}

// Collects the process logger's lines (before redaction, which happens in the
// stderr sink: so a secret found here was formatted by the code under test).
class LogCapture {
 public:
  LogCapture() : m_sink(std::make_shared<Collector>()), m_level(core::log().level()) {
    core::log().sinks().push_back(m_sink);
    core::log().set_level(spdlog::level::debug);
  }
  ~LogCapture() {
    auto& sinks = core::log().sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), m_sink), sinks.end());
    core::log().set_level(m_level);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  [[nodiscard]] std::vector<std::string> lines() const {
    std::lock_guard lock(m_sink->mutex_ref());
    return m_sink->lines;
  }
  [[nodiscard]] std::string text() const {
    std::string out;
    for (const auto& line : lines()) out += line + "\n";
    return out;
  }

 private:
  class Collector final : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::vector<std::string> lines;
    std::mutex& mutex_ref() { return mutex_; }

   protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      lines.emplace_back(msg.payload.data(), msg.payload.size());
    }
    void flush_() override {}
  };

  std::shared_ptr<Collector> m_sink;
  spdlog::level::level_enum m_level;
};

// A source block as the config loader would produce it: each setting on its own
// line (10, 11, ... in the order given) of /etc/rosterd/rosterd.yaml.
inline config::SourceConfig source_config(std::string type, std::string url,
                                          const std::vector<std::pair<std::string, std::string>>& settings) {
  config::SourceConfig config;
  config.name = "acme-" + type;
  config.type = type;
  config.url = std::move(url);
  config.location = {"/etc/rosterd/rosterd.yaml", 9};
  config.key_path = "sources[0]";
  int line = 10;
  for (const auto& [key, value] : settings) {
    config::Setting setting;
    setting.value = value;
    setting.location = {"/etc/rosterd/rosterd.yaml", line++};
    setting.key_path = "sources[0]." + key;
    setting.secret = key == "password" || key == "token" || key == "api_key";
    config.settings.emplace(key, std::move(setting));
  }
  return config;
}

// The ConfigError make_source throws, or nullopt if it throws none.
template <class Make>
std::optional<config::ConfigError> config_error(Make&& make, const config::SourceConfig& config) {
  try {
    make(config);
  } catch (const config::ConfigError& error) {
    return error;
  }
  return std::nullopt;
}

// A clock the test moves by hand.
class ManualClock final : public core::Clock {
 public:
  [[nodiscard]] core::SystemTime now() const override { return core::SystemTime{} + m_elapsed; }
  [[nodiscard]] core::SteadyTime steady_now() const override { return core::SteadyTime{} + m_elapsed; }
  void advance(std::chrono::seconds by) { m_elapsed += by; }

 private:
  std::chrono::seconds m_elapsed{1'000'000};
};

// Asserts that none of `texts` contains any of `secrets`.
inline void expect_no_secret(const std::vector<std::string>& texts, const std::vector<std::string>& secrets) {
  for (const auto& text : texts) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(text.find(secret), std::string::npos) << "\"" << secret << "\" in: " << text;
    }
  }
}

// Every label the client saw.
inline std::vector<std::string> labels_of(const ScriptedClient& client) {
  std::vector<std::string> labels;
  for (const auto& request : client.requests()) labels.push_back(request.label);
  return labels;
}

// The rate cap's time for tests: moves only when a wait asks it to (or advance()),
// and records every start the limiter granted instead of waiting for it.
class RecordingRateTimer final : public RateTimer {
 public:
  [[nodiscard]] core::SteadyTime now() const override {
    std::lock_guard lock(m_mutex);
    return m_now;
  }
  bool sleep_until(core::SteadyTime deadline, std::stop_token stop) override {
    std::lock_guard lock(m_mutex);
    m_slots.push_back(deadline);
    m_now = std::max(m_now, deadline);
    return !stop.stop_requested();
  }
  void advance(std::chrono::seconds by) {
    std::lock_guard lock(m_mutex);
    m_now += by;
  }
  // The granted starts, in time order.
  [[nodiscard]] std::vector<core::SteadyTime> slots() const {
    std::lock_guard lock(m_mutex);
    auto slots = m_slots;
    std::sort(slots.begin(), slots.end());
    return slots;
  }

 private:
  mutable std::mutex m_mutex;
  core::SteadyTime m_now = core::SteadyTime{} + std::chrono::seconds{1000};
  std::vector<core::SteadyTime> m_slots;
};

}  // namespace rosterd::sources::testing
