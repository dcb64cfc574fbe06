#include "config/operations_parser.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/config_keys.hpp"
#include "config/file_access.hpp"
#include "config/rest_reader.hpp"
#include "config/suggest.hpp"
#include "config/values.hpp"
#include "config/yaml_fields.hpp"

namespace rosterd::config {
namespace {

// The keys of `metrics:` and `retention:`: the table's maps (config_keys.cpp).
const std::vector<std::string> k_metrics_keys = keys_of("metrics");
const std::vector<std::string> k_retention_keys = keys_of("retention");

bool is_ip_address(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 || inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

// "127.0.0.1:9464", "[::1]:9464", "localhost:9464".
void read_listen(const ParseContext& context, const Field& field, MetricsConfig& metrics) {
  const Text text = string_value(context, field, Secrecy::plain);
  const std::string& value = text.value;
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) fail(field, fmt::format("{} is not HOST:PORT (127.0.0.1:9464)", quoted(text)));
  std::string host = value.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port = std::string_view(value).substr(colon + 1);
  int number = -1;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || number < 0 || number > 65535) {
    fail(field, fmt::format("{}: the port must be a number from 0 to 65535", quoted(text)));
  }
  if (host.empty()) {
    fail(field, fmt::format("{} names no address; write 127.0.0.1:{} (or, to serve other hosts, the address and "
                            "allow_non_loopback: true)",
                            quoted(text), number));
  }
  if (host != "localhost" && !is_ip_address(host)) {
    fail(field, fmt::format("{}: {} is not an IP address (or localhost)", quoted(text), host));
  }
  metrics.host = host;
  metrics.port = number;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr address{};
  return inet_pton(AF_INET, std::string(host).c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

void read_metrics(const ParseContext& context, const Field& field, Config& config) {
  auto& metrics = config.metrics;
  metrics.location = field.location;
  const auto fields = map_fields(context, field.value, field.key_path, field.location);
  const Field* allow = nullptr;
  const Field* listen = nullptr;
  for (const Field& entry : fields) {
    checked(context, [&] {
      if (entry.key == "listen") {
        listen = &entry;
        read_listen(context, entry, metrics);
      } else if (entry.key == "allow_non_loopback") {
        allow = &entry;
        metrics.allow_non_loopback = rest_reading::boolean(entry);
      } else if (entry.key == "textfile") {
        const Text text = string_value(context, entry, Secrecy::plain);
        const std::string path = resolve_path(context.directory, text.value);
        if (!path.ends_with(".prom")) {
          fail(entry, fmt::format("{} must end in .prom (node_exporter's textfile collector reads only those)",
                                  quoted(text)));
        }
        if (!std::filesystem::is_directory(std::filesystem::path(path).parent_path())) {
          fail(entry, fmt::format("{}: the directory {} does not exist", quoted(text),
                                  std::filesystem::path(path).parent_path().string()));
        }
        metrics.textfile = path;
      } else {
        fail(entry, fmt::format("unknown key{}", did_you_mean(entry.key, k_metrics_keys)));
      }
    });
  }
  if (listen != nullptr && !metrics.host.empty() && !is_loopback_host(metrics.host) && !metrics.allow_non_loopback) {
    checked(context, [&] {
      fail(*listen, fmt::format("{} is not a loopback address: the metrics would be served to other hosts, without "
                                "authentication; set allow_non_loopback: true under metrics: if that is meant",
                                metrics.host));
    });
  }
  if (allow != nullptr && listen == nullptr) {
    checked(context, [&] { fail(*allow, "has no effect without listen:"); });
  }
}

void read_retention(const ParseContext& context, const Field& field, Config& config) {
  const auto& tables = k_retention_keys;
  for (const Field& entry : map_fields(context, field.value, field.key_path, field.location)) {
    checked(context, [&] {
      if (entry.key == "user_versions") {
        fail(entry, "history is kept forever: `rosterd history` and `rosterd users --as-of` read all of it (the "
                    "changes table may be thinned out)");
      }
      if (std::find(tables.begin(), tables.end(), entry.key) == tables.end()) {
        fail(entry, fmt::format("not a table retention applies to{} (it applies to {})",
                                did_you_mean(entry.key, tables), fmt::join(tables, ", ")));
      }
      const Text text = string_value(context, entry, Secrecy::plain);
      if (text.value == "forever") return;
      const auto keep = positive_duration_value(context, entry);
      if (keep < std::chrono::hours{1}) fail(entry, fmt::format("{} is less than 1h", quoted(text)));
      config.retention.insert_or_assign(entry.key, keep);
    });
  }
}

}  // namespace rosterd::config
