#pragma once
// A source built from its configuration: the vendor object (from the registry)
// and the HTTP transport with the source's timeouts, size cap and CA.

#include <memory>
#include <vector>

#include "config/config.hpp"
#include "http/curl_client.hpp"
#include "http/retrying_client.hpp"
#include "model/dataset.hpp"
#include "sources/source.hpp"
#include "sync/runner.hpp"

namespace rosterd::sync {

http::Options http_options(const config::SourceConfig& config);
http::RetryPolicy retry_policy(const config::SourceConfig& config);
// The user columns the source type's per-user dataset supplies (sources/registry.hpp).
model::InfoColumns info_columns(const config::SourceConfig& config);
// The reader version of the source's type.
int reader_version(const config::SourceConfig& config);

class ConfiguredSource {
 public:
  // Throws config::ConfigError when the vendor settings are invalid.
  explicit ConfiguredSource(config::SourceConfig config);

  [[nodiscard]] const config::SourceConfig& config() const { return m_config; }
  [[nodiscard]] const std::string& name() const { return m_config.name; }
  [[nodiscard]] sources::Source& source() { return *m_source; }
  [[nodiscard]] SourceHandle handle() {
    return {*m_source, *m_transport,           retry_policy(m_config),
            m_config,  info_columns(m_config), reader_version(m_config)};
  }
  // The configured datasets, in the order written.
  [[nodiscard]] std::vector<model::Dataset> datasets() const;

 private:
  config::SourceConfig m_config;
  std::unique_ptr<http::CurlClient> m_transport;
  std::unique_ptr<sources::Source> m_source;
};

// Every source of the configuration. Throws config::ConfigError.
std::vector<std::unique_ptr<ConfiguredSource>> build_sources(const config::Config& config);

}  // namespace rosterd::sync
