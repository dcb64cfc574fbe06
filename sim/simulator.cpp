#include "sim/simulator.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <shared_mutex>
#include <stdexcept>
#include <thread>

#include "sim/control_api.hpp"
#include "sim/faults.hpp"
#include "sim/server_support.hpp"
#include "sim/tenant_state.hpp"
#include "sim/vendor_module.hpp"

namespace rosterd::sim {
namespace {

bool valid_tenant_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name == "_sim") return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; });
}

// Shuts down the server side of every connection still open on `port`. httplib 0.11
// keeps an idle keep-alive connection waiting for its whole timeout even after stop();
// a socket shut down for reading ends that wait at once. Server-side sockets are the
// only ones in this process whose local address is 127.0.0.1:port (the listener is
// closed by then; clients of this server have ephemeral local ports).
void shut_down_connections(int port) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    int fd = -1;
    const std::string name = entry.path().filename().string();
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) continue;
    sockaddr_in local{};
    socklen_t length = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 || local.sin_family != AF_INET) continue;
    if (ntohs(local.sin_port) == port && ntohl(local.sin_addr.s_addr) == INADDR_LOOPBACK) ::shutdown(fd, SHUT_RDWR);
  }
}

// The tenant prefix of every vendor route; the rest is the vendor's own path.
constexpr std::string_view k_tenant_path = R"(/([a-z0-9_-]+))";

}  // namespace

namespace detail {
// Debian's libcpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG): a
// burst of connections (a benchmark's many tenants) overflows it, and the kernel drops
// SYNs that clients retry only after 1 s, 3 s, ... listen() again on the bound socket
// raises the backlog; the socket is a protected member, hence the subclass.
// Outside the anonymous namespace: Simulator::Impl, which has external linkage, holds one.
class SimServer : public httplib::Server {
 public:
  void raise_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};
}  // namespace detail

struct Simulator::Impl {
  explicit Impl(SimulatorOptions simulator_options) : options(simulator_options) {}

  void add_route(const VendorModule& vendor, const VendorRoute& route);
  void serve(const VendorModule& vendor, const VendorRoute& route, const httplib::Request& request,
             httplib::Response& response);

  SimulatorOptions options;
  std::vector<VendorModule> vendors;
  detail::SimServer server;
  std::thread thread;
  std::atomic<int> port{0};
  std::atomic<bool> listen_returned{false};
  bool started = false;
  bool stopped = false;
  detail::StopSignal stop;
  std::shared_mutex tenants_mutex;
  std::map<std::string, std::unique_ptr<Tenant>, std::less<>> tenants;
};

void Simulator::Impl::add_route(const VendorModule& vendor, const VendorRoute& route) {
  const std::string pattern = std::string(k_tenant_path) + std::string(route.path);
  auto callback = [this, &vendor, &route](const httplib::Request& request, httplib::Response& response) {
    serve(vendor, route, request, response);
  };
  if (route.method == "GET")
    server.Get(pattern, callback);
  else
    server.Post(pattern, callback);
}

void Simulator::Impl::serve(const VendorModule& vendor, const VendorRoute& route, const httplib::Request& request,
                            httplib::Response& response) {
  Tenant* tenant = nullptr;
  {
    std::shared_lock lock(tenants_mutex);
    const auto it = tenants.find(request.matches[1].str());
    if (it != tenants.end() && &it->second->vendor() == &vendor) tenant = it->second.get();
  }
  if (tenant == nullptr) {
    response.status = 404;
    response.set_content(detail::nginx_error_page(404), "text/html");
    return;
  }
  auto& state = tenant->state();
  {
    std::lock_guard lock(state.mutex);
    ++state.stats.requests;
  }
  const std::chrono::milliseconds latency{state.latency_ms.load()};
  if (latency.count() > 0 && stop.wait_for(latency)) {
    response.status = 503;
    return;
  }
  const detail::Reply reply = route.handler(state, request);
  const std::size_t bytes = detail::deliver(reply, response, stop);
  std::lock_guard lock(state.mutex);
  state.stats.body_bytes += bytes;
}

Simulator::Simulator() : Simulator(SimulatorOptions{}) {}

Simulator::Simulator(SimulatorOptions options) : Simulator(options, {}) {}

Simulator::Simulator(SimulatorOptions options, std::span<const VendorModule> extra_vendors)
    : m_impl(std::make_unique<Impl>(options)) {
  auto& impl = *m_impl;
  impl.vendors.assign(builtin_vendors().begin(), builtin_vendors().end());
  for (const auto& vendor : extra_vendors) {
    if (find_vendor(vendor.name) != nullptr)
      throw std::invalid_argument("duplicate vendor: " + std::string(vendor.name));
    impl.vendors.push_back(vendor);
  }
  for (const auto& vendor : impl.vendors) {
    for (const auto& route : vendor.routes) impl.add_route(vendor, route);
  }
  detail::register_control_api(impl.server, *this);

  // Answers are never compressed, so that cut and padded bodies are exactly what the
  // faults describe: drop the client's Accept-Encoding before httplib sees it. The
  // request object itself is not const (httplib passes a const view of its own).
  impl.server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
    const_cast<httplib::Request&>(request).headers.erase("Accept-Encoding");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  impl.server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
    std::string message = "internal error";
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message = e.what();
    }
    response.status = 500;
    response.set_content(message, "text/plain");
  });
  if (options.log_requests) {
    impl.server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
      // The path only: query strings carry credentials (CrocoDial goPass, Worksection hash).
      std::fprintf(stderr, "%s %s %d\n", request.method.c_str(), request.path.c_str(), response.status);
    });
  }
  const auto threads = static_cast<std::size_t>(std::max(1, options.threads));
  impl.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl.server.set_keep_alive_timeout(static_cast<time_t>(options.keep_alive.count()));
  impl.server.set_keep_alive_max_count(1000);
  // Without TCP_NODELAY, Nagle's algorithm meets the client's delayed ACK and every
  // request after the first on a keep-alive connection waited ~40 ms.
  impl.server.set_tcp_nodelay(true);
}

Simulator::~Simulator() {
  stop();
}

void Simulator::start(int port) {
  auto& impl = *m_impl;
  if (impl.started) throw std::logic_error("the simulator was started before");
  // A client that goes away mid-body must not kill the process: httplib writes with
  // plain send(), which raises SIGPIPE. Only the default disposition is replaced.
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
  int bound = port;
  if (port == 0) {
    bound = impl.server.bind_to_any_port("127.0.0.1");
  } else if (!impl.server.bind_to_port("127.0.0.1", port)) {
    bound = -1;
  }
  if (bound <= 0) throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port));
  impl.server.raise_backlog();
  impl.port = bound;
  impl.started = true;
  impl.thread = std::thread([&impl] {
    impl.server.listen_after_bind();
    impl.listen_returned = true;
  });
  while (!impl.server.is_running() && !impl.listen_returned) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void Simulator::stop() {
  auto& impl = *m_impl;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  impl.stop.trigger();
  impl.server.stop();
  shut_down_connections(impl.port);
  impl.thread.join();
}

int Simulator::port() const {
  return m_impl->port.load();
}

std::string Simulator::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

Tenant& Simulator::add_tenant(TenantOptions options) {
  if (!valid_tenant_name(options.name)) throw std::invalid_argument("bad tenant name: " + options.name);
  if (find_tenant(options.name) != nullptr) throw std::invalid_argument("duplicate tenant: " + options.name);
  const VendorModule* vendor = find_vendor(options.vendor);
  if (vendor == nullptr) throw std::invalid_argument("unknown vendor: " + options.vendor);
  const std::string name = options.name;
  // Built outside the lock: a large tenant takes a while to populate.
  auto tenant = std::make_unique<Tenant>(std::move(options), *vendor, &m_impl->port);
  std::unique_lock lock(m_impl->tenants_mutex);
  const auto [it, added] = m_impl->tenants.emplace(name, std::move(tenant));
  if (!added) throw std::invalid_argument("duplicate tenant: " + name);
  return *it->second;
}

Tenant& Simulator::tenant(std::string_view name) {
  if (Tenant* found = find_tenant(name)) return *found;
  throw std::out_of_range("no tenant named " + std::string(name));
}

Tenant* Simulator::find_tenant(std::string_view name) {
  std::shared_lock lock(m_impl->tenants_mutex);
  const auto it = m_impl->tenants.find(name);
  return it == m_impl->tenants.end() ? nullptr : it->second.get();
}

const VendorModule* Simulator::find_vendor(std::string_view name) const {
  return sim::find_vendor(m_impl->vendors, name);
}

std::vector<Tenant*> Simulator::tenants() {
  std::shared_lock lock(m_impl->tenants_mutex);
  std::vector<Tenant*> out;
  for (const auto& [name, tenant] : m_impl->tenants) out.push_back(tenant.get());
  return out;
}

}  // namespace rosterd::sim
