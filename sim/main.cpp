// rosterd-sim: the vendor simulator as a standalone server on 127.0.0.1, for scripts,
// manual testing and benchmarks. Tenants come from the command line or the /_sim/
// control API; it runs until SIGTERM or SIGINT.

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sim/simulator.hpp"
#include "sim/vendor_module.hpp"

namespace {

using rosterd::sim::TenantOptions;

// NAME:VENDOR[:USERS[:SEED]]
TenantOptions parse_tenant(const std::string& spec, std::uint64_t default_seed,
                           const rosterd::sim::Simulator& simulator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() < 2 || parts.size() > 4)
    throw CLI::ValidationError("--tenant", "expected NAME:VENDOR[:USERS[:SEED]]");
  TenantOptions options;
  options.name = parts[0];
  if (simulator.find_vendor(parts[1]) == nullptr) throw CLI::ValidationError("--tenant", "unknown vendor " + parts[1]);
  options.vendor = parts[1];
  options.seed = default_seed;
  try {
    if (parts.size() > 2) options.users = std::stoi(parts[2]);
    if (parts.size() > 3) options.seed = std::stoull(parts[3]);
  } catch (const std::exception&) {
    throw CLI::ValidationError("--tenant", "USERS and SEED must be numbers");
  }
  return options;
}

void write_port_file(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out) throw std::runtime_error("cannot write " + temporary);
  }
  std::filesystem::rename(temporary, path);  // readers never see a partial file
}

void print_tenant(const rosterd::sim::Tenant& tenant) {
  const auto& o = tenant.options();
  std::cout << "tenant " << o.name << " (" << o.vendor << "): " << tenant.config_url() << '\n';
}

// "crocodial, worksection, smartflo, class4 or scim"
std::string builtin_vendor_names() {
  std::vector<std::string_view> names;
  for (const auto& vendor : rosterd::sim::builtin_vendors()) names.push_back(vendor.name);
  return rosterd::sim::join_names(names, " or ");
}

struct Settings {
  int port = 0;
  std::string port_file;
  std::vector<std::string> tenant_specs;
  std::uint64_t seed = 1;
  int threads = 128;  // standalone use is often a benchmark with many tenants
  int latency_ms = 0;
  bool unusual_text = false;
  bool fixed_clock = false;
  bool log_requests = false;
  std::size_t cache_limit_mb = 0;  // 0 = TenantOptions' default
  int prerender = 0;               // page size to pre-render Smartflo, Class4 and SCIM listings with
};

// Serves until one of `signals` arrives.
void serve(const Settings& settings, const sigset_t& signals) {
  rosterd::sim::SimulatorOptions options;
  options.threads = settings.threads;
  options.log_requests = settings.log_requests;
  rosterd::sim::Simulator simulator(options);
  for (const auto& spec : settings.tenant_specs) {
    auto tenant_options = parse_tenant(spec, settings.seed, simulator);
    tenant_options.unusual_text = settings.unusual_text;
    tenant_options.latency = std::chrono::milliseconds(settings.latency_ms);
    tenant_options.clock_follows_real_time = !settings.fixed_clock;
    if (settings.cache_limit_mb > 0) tenant_options.cache_limit_bytes = settings.cache_limit_mb << 20;
    simulator.add_tenant(std::move(tenant_options));
  }
  simulator.start(settings.port);
  // After start, as SCIM pages carry the server's URL; before the port file, so that
  // clients that wait for it find every page rendered.
  if (settings.prerender > 0) {
    for (auto* tenant : simulator.tenants()) {
      if (tenant->vendor().prerender != nullptr) tenant->prerender(settings.prerender);
    }
  }
  std::cout << "rosterd-sim listening on " << simulator.base_url() << " (control API under /_sim/)\n";
  for (const auto* tenant : simulator.tenants()) print_tenant(*tenant);
  if (!simulator.tenants().empty()) {
    std::cout << "# rosterd.yaml sources for these tenants (credentials included):\nsources:\n";
    for (const auto* tenant : simulator.tenants()) std::cout << tenant->source_yaml();
  }
  std::cout << std::flush;
  if (!settings.port_file.empty()) write_port_file(settings.port_file, simulator.port());
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "rosterd-sim: stopping\n";
  simulator.stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Serves simulated CrocoDial, Worksection, Smartflo, Class4 and SCIM 2.0 (identity provider) APIs on "
      "127.0.0.1"};
  Settings s;
  app.add_option("--port", s.port, "port on 127.0.0.1 (0 = any free port)");
  app.add_option("--port-file", s.port_file, "write the port to this file once listening");
  app.add_option("--tenant", s.tenant_specs, "NAME:VENDOR[:USERS[:SEED]]; VENDOR is " + builtin_vendor_names());
  app.add_option("--seed", s.seed, "seed for tenants that give none");
  app.add_option("--threads", s.threads, "worker threads (each open connection holds one)");
  app.add_option("--latency-ms", s.latency_ms, "latency of every answer of the command-line tenants");
  app.add_flag("--unusual-text", s.unusual_text, "generate names with combining marks, RTL text, emoji, quotes");
  app.add_flag("--fixed-clock", s.fixed_clock, "tenant clocks move only through the control API");
  app.add_option("--cache-limit-mb", s.cache_limit_mb, "rendered pages kept per tenant, in MiB (default 256)");
  app.add_option("--prerender", s.prerender,
                 "render every Smartflo, Class4 and SCIM listing page of this size at start (see --cache-limit-mb)")
      ->check(CLI::Range(1, 1000000));
  app.add_flag("--log-requests", s.log_requests, "log method, path and status of each request to stderr");
  CLI11_PARSE(app, argc, argv);

  // Signals are taken by sigwait(); every thread started from here on inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    serve(s, signals);
  } catch (const CLI::Error& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "rosterd-sim: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
