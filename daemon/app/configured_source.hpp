#pragma once
// A source built from its configuration and its type's row (sources/registry.hpp): the
// vendor object, and the libcurl transport it sends through with the source's
// timeouts, size cap and CA, kept across runs for keep-alive.

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/http_client.hpp"
#include "http/retrying_client.hpp"
#include "model/dataset.hpp"
#include "sources/registry.hpp"
#include "sources/source.hpp"
#include "sync/runner.hpp"

namespace rosterd::app {

// The transport's settings from the source's configuration.
http::Options http_options(const config::SourceConfig& config);
http::RetryPolicy retry_policy(const config::SourceConfig& config);

class ConfiguredSource {
 public:
  // `type` is the row of config.type and must outlive the source. Throws
  // config::ConfigError when the type's factory refuses the settings.
  ConfiguredSource(config::SourceConfig config, const sources::SourceType& type);

  [[nodiscard]] const config::SourceConfig& config() const { return m_config; }
  [[nodiscard]] const std::string& name() const { return m_config.name; }
  [[nodiscard]] const sources::SourceType& type() const { return *m_type; }
  [[nodiscard]] sources::Source& source() { return *m_source; }
  [[nodiscard]] http::Client& transport() { return *m_transport; }
  [[nodiscard]] sync::SourceHandle handle();
  // The configured datasets, in the order written.
  [[nodiscard]] std::vector<model::Dataset> datasets() const;

 private:
  config::SourceConfig m_config;
  const sources::SourceType* m_type;
  std::unique_ptr<http::Client> m_transport;
  std::unique_ptr<sources::Source> m_source;
};

}  // namespace rosterd::app
