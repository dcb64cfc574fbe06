#include "sync/configured_source.hpp"

#include <algorithm>

#include "sources/registry.hpp"

namespace rosterd::sync {

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

model::InfoColumns info_columns(const config::SourceConfig& config) {
  const auto* type = sources::find_source_type(config.type);
  return type == nullptr ? model::InfoColumns::none() : type->info_columns;
}

int reader_version(const config::SourceConfig& config) {
  const auto* type = sources::find_source_type(config.type);
  return type == nullptr ? 1 : type->reader_version;
}

ConfiguredSource::ConfiguredSource(config::SourceConfig config)
    : m_config(std::move(config)),
      m_transport(std::make_unique<http::CurlClient>(http_options(m_config))),
      m_source(sources::create_source(m_config)) {}

std::vector<model::Dataset> ConfiguredSource::datasets() const {
  std::vector<model::Dataset> out;
  for (const auto& name : m_config.datasets) {
    if (auto dataset = model::parse_dataset(name)) out.push_back(*dataset);
  }
  return out;
}

std::vector<std::unique_ptr<ConfiguredSource>> build_sources(const config::Config& config) {
  std::vector<std::unique_ptr<ConfiguredSource>> out;
  for (const auto& source : config.sources) out.push_back(std::make_unique<ConfiguredSource>(source));
  return out;
}

}  // namespace rosterd::sync
