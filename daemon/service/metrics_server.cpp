#include "service/metrics_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <csignal>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace rosterd::service {
namespace {

constexpr const char* k_exposition_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> returned{false};  // listen_after_bind() returned
  int port = 0;
};

MetricsServer::MetricsServer(const std::string& host, int port, MetricsHandlers handlers)
    : m_impl(std::make_unique<Impl>()) {
  auto& server = m_impl->server;
  server.Get("/metrics", [handlers](const httplib::Request&, httplib::Response& response) {
    try {
      response.set_content(handlers.metrics(), k_exposition_type);
    } catch (const std::exception& e) {
      response.status = 500;
      response.set_content(fmt::format("cannot collect the metrics: {}\n", e.what()), "text/plain");
    }
  });
  server.Get("/healthz", [handlers](const httplib::Request&, httplib::Response& response) {
    const auto problem = handlers.health();
    response.status = problem ? 503 : 200;
    response.set_content(problem ? *problem + "\n" : "ok\n", "text/plain");
  });
  server.Get("/readyz", [handlers](const httplib::Request&, httplib::Response& response) {
    const bool ready = handlers.ready();
    response.status = ready ? 200 : 503;
    response.set_content(ready ? "ready\n" : "not ready: the sources are not scheduled yet\n", "text/plain");
  });
  // Two threads answer: a scrape and a health check at once, no more is asked of a daemon.
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // httplib's default options add SO_REUSEPORT, with which a second daemon would listen on the
  // same port and answer half the scrapes: SO_REUSEADDR alone (a restart need not wait out
  // TIME_WAIT), so that a port in use is an error.
  server.set_socket_options([](auto fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_keep_alive_max_count(1);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  // A scraper that goes away mid-answer must not kill the daemon: httplib writes with plain
  // send(), which raises SIGPIPE. Only the default disposition is replaced.
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  int bound = port;
  if (port == 0) {
    bound = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0) {
    throw std::runtime_error(fmt::format("metrics: cannot listen on {}:{} (in use, or not an address of this host)",
                                         shown, port));
  }
  m_impl->port = bound;
  m_impl->thread = std::thread([impl = m_impl.get()] {
    impl->server.listen_after_bind();
    impl->returned = true;
  });
  // stop() before the server runs would not stop it: wait for it to run (it does at once).
  while (!server.is_running() && !m_impl->returned) std::this_thread::yield();
}

MetricsServer::~MetricsServer() {
  m_impl->server.stop();
  m_impl->thread.join();
}

int MetricsServer::port() const noexcept {
  return m_impl->port;
}

}  // namespace rosterd::service
