#include "app/configured_source.hpp"

#include <algorithm>

#include "http/curl_client.hpp"

namespace rosterd::app {

http::Options http_options(const config::SourceConfig& config) {
  http::Options options;
  options.connect_timeout = std::min(config.connect_timeout, config.timeout);
  options.timeout = config.timeout;
  // A transfer that delivers nothing for half the timeout is stalled.
  options.low_speed_time = std::max(std::chrono::milliseconds{1000}, config.timeout / 2);
  options.max_response_bytes = config.max_response_bytes;
  options.ca_file = config.ca_file;
  return options;
}

http::RetryPolicy retry_policy(const config::SourceConfig& config) {
  http::RetryPolicy policy;
  policy.retries = config.retries;
  policy.source = config.name;
  return policy;
}

ConfiguredSource::ConfiguredSource(config::SourceConfig config, const sources::SourceType& type)
    : m_config(std::move(config)),
      m_type(&type),
      m_transport(std::make_unique<http::CurlClient>(http_options(m_config))),
      m_source(type.create(m_config)) {}

sync::SourceHandle ConfiguredSource::handle() {
  return {*m_source, *m_transport, retry_policy(m_config), m_config, m_type->info_columns, m_type->reader_version};
}

std::vector<model::Dataset> ConfiguredSource::datasets() const {
  std::vector<model::Dataset> out;
  for (const auto& name : m_config.datasets) {
    if (auto dataset = model::parse_dataset(name)) out.push_back(*dataset);
  }
  return out;
}

}  // namespace rosterd::app
