#include "app/root.hpp"

#include <utility>

namespace rosterd::app {
namespace {

// A built source and the handle that refers into it, owned together: the handle given
// out shares ownership of both.
struct HeldSource {
  explicit HeldSource(std::unique_ptr<ConfiguredSource> built) : source(std::move(built)), handle(source->handle()) {}
  std::unique_ptr<ConfiguredSource> source;
  sync::SourceHandle handle;
};

}  // namespace

Root::Root(std::span<const sources::SourceType> types, const core::Clock& clock,
           std::span<const sync::DatasetType> datasets)
    : m_types(types), m_schemas(sources::source_schemas(types)), m_clock(clock), m_datasets(datasets) {}

const sources::SourceType* Root::find_type(std::string_view type) const {
  return sources::find_source_type(m_types, type);
}

// The claim timeout is the store's to apply (on engines where processes share a database).
config::Config Root::load_config(const std::string& path, const config::Environment& env) const {
  auto config = config::load_config(path, m_schemas, env);
  store::set_claim_timeout(config.claim_timeout);
  return config;
}

config::Config Root::load_config(const std::string& path) const {
  return load_config(path, config::Environment::process());
}

std::unique_ptr<ConfiguredSource> Root::build(const config::SourceConfig& source) const {
  const auto* type = find_type(source.type);
  if (type == nullptr) throw config::ConfigError(source.location, source.key_path + ".type", "unknown source type");
  return std::make_unique<ConfiguredSource>(source, *type);
}

std::vector<std::unique_ptr<ConfiguredSource>> Root::build_sources(const config::Config& config) const {
  std::vector<std::unique_ptr<ConfiguredSource>> out;
  for (const auto& source : config.sources) out.push_back(build(source));
  return out;
}

std::shared_ptr<const sync::SourceHandle> Root::build_source(const config::SourceConfig& source) const {
  auto held = std::make_shared<HeldSource>(build(source));
  return {held, &held->handle};
}

std::unique_ptr<store::Database> Root::open_store(const std::string& location, StoreAccess access) const {
  switch (access) {
    case StoreAccess::dry_run:
      return store::open_for_dry_run(location);
    case StoreAccess::read_only:
      return store::open(location, store::OpenMode::read_only);
    case StoreAccess::read_write:
      break;
  }
  return store::open(location, store::OpenMode::read_write);
}

sync::Runner Root::runner(store::Database& reader, store::Writer& writer) const {
  return sync::Runner(reader, writer, m_clock, m_datasets);
}

}  // namespace rosterd::app
