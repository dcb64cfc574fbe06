#pragma once
// A cpp-httplib server on 127.0.0.1 (port chosen by the kernel) for tests of the
// real CurlClient, plus the one-shot signals tests use instead of sleeping.

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace rosterd::http::testing {

// A one-shot event: set() once, wait() until set.
class Event {
 public:
  void set() {
    {
      std::lock_guard lock(m_mutex);
      m_set = true;
    }
    m_changed.notify_all();
  }
  void wait() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_set; });
  }
  // A bound against hanging the suite when the code under test misbehaves.
  bool wait_for(std::chrono::milliseconds bound) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, bound, [this] { return m_set; });
  }
  bool is_set() {
    std::lock_guard lock(m_mutex);
    return m_set;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  bool m_set = false;
};

class TestServer {
 public:
  TestServer() : TestServer(std::make_unique<httplib::Server>(), "http") {}
  // An HTTPS server (httplib::SSLServer) with the given certificate and key files.
  TestServer(const std::string& cert_file, const std::string& key_file)
      : TestServer(std::make_unique<httplib::SSLServer>(cert_file.c_str(), key_file.c_str()), "https") {}
  ~TestServer() { stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Register handlers on server() before start().
  httplib::Server& server() { return *m_server; }
  // Returns once the server runs: httplib's stop() before that is ignored, and the
  // listener would then block in accept() forever.
  void start() {
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running()) std::this_thread::yield();
  }
  // Opens the gate first, so handlers parked on it return and the pool can join.
  void stop() {
    gate.set();
    if (m_thread.joinable()) {
      m_server->stop();
      m_thread.join();
    }
  }

  [[nodiscard]] int port() const { return m_port; }
  [[nodiscard]] std::string url(std::string_view path) const {
    return m_scheme + "://127.0.0.1:" + std::to_string(m_port) + std::string(path);
  }

  // Handlers that must stall wait on this; it opens when the server stops.
  Event gate;

 private:
  TestServer(std::unique_ptr<httplib::Server> server, std::string scheme)
      : m_server(std::move(server)), m_scheme(std::move(scheme)), m_port(m_server->bind_to_any_port("127.0.0.1")) {}

  std::unique_ptr<httplib::Server> m_server;
  std::string m_scheme;
  int m_port;
  std::thread m_thread;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);  // never listened: connecting is refused
  return port;
}

// `text` as a gzip stream (what a server sends with Content-Encoding: gzip).
inline std::string gzip(std::string_view text) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);  // 16: gzip wrapper
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace rosterd::http::testing
