#pragma once
// The HTTP endpoint of `metrics: listen:` (README, "Monitoring"), on threads of its own:
//   GET /metrics  the exposition text (Prometheus' text format 0.0.4)
//   GET /healthz  200 "ok" while the daemon's loop runs and its database answers, else 503
//                 and why
//   GET /readyz   200 once the daemon scheduled its sources the first time, else 503
// Served by cpp-httplib (Debian's libcpp-httplib, which the simulator uses too). Each
// answer closes its connection: nothing keeps the daemon from stopping at once.

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rosterd::service {

struct MetricsHandlers {
  std::function<std::string()> metrics;                // throws: 500 with the message
  std::function<std::optional<std::string>()> health;  // nullopt: healthy; else what is wrong
  std::function<bool()> ready;
};

class MetricsServer {
 public:
  // Listens on host:port (port 0: any free port) and starts serving. Throws
  // std::runtime_error naming the address when it cannot listen there.
  MetricsServer(const std::string& host, int port, MetricsHandlers handlers);
  ~MetricsServer();  // stops serving and joins its threads
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  [[nodiscard]] int port() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace rosterd::service
