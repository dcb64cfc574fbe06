#pragma once
// The composition root: the one place that turns a configuration into working parts.
// It holds the table of source types; loading a file checks it against that table's
// schemas, and building a source takes the vendor object from its row and gives it a
// libcurl transport. It opens the database and builds the runner. `rosterd run`
// (through service::SourceFactory, also on a reload), `sync`, `check`, `demo` and the
// reporting commands all go through it; nothing below it builds a transport.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/configured_source.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "service/source_factory.hpp"
#include "sources/registry.hpp"
#include "store/database.hpp"
#include "store/writer.hpp"
#include "sync/runner.hpp"

namespace rosterd::app {

// How a command uses the database.
enum class StoreAccess {
  read_write,  // created and migrated when needed (sync, run)
  dry_run,     // `sync --dry-run`: read-only, see store::open_for_dry_run
  read_only,   // the reporting commands: never writes, never migrates
};

class Root final : public service::SourceFactory {
 public:
  // `types` and `datasets` (the built-in tables unless a test gives more rows) and
  // `clock` must outlive the root.
  explicit Root(std::span<const sources::SourceType> types = sources::source_types(),
                const core::Clock& clock = core::system_clock(),
                std::span<const sync::DatasetType> datasets = sync::dataset_types());

  [[nodiscard]] std::span<const sources::SourceType> types() const { return m_types; }
  // The row of `type`; null when the table has none.
  [[nodiscard]] const sources::SourceType* find_type(std::string_view type) const;

  // Reads and validates the file against the table's schemas: every key, value, range
  // and credential, without building a source. Throws config::ConfigError.
  [[nodiscard]] config::Config load_config(const std::string& path, const config::Environment& env) const;
  [[nodiscard]] config::Config load_config(const std::string& path) const override;

  // One source of a loaded configuration. Throws config::ConfigError for a type the
  // table lacks, or what the type's factory throws.
  [[nodiscard]] std::unique_ptr<ConfiguredSource> build(const config::SourceConfig& source) const;
  // Every source of the configuration, in the order written.
  [[nodiscard]] std::vector<std::unique_ptr<ConfiguredSource>> build_sources(const config::Config& config) const;
  // The same as the daemon holds it (service::SourceFactory).
  [[nodiscard]] std::shared_ptr<const sync::SourceHandle> build_source(
      const config::SourceConfig& source) const override;

  // The database at `location`. Throws store::StoreError.
  [[nodiscard]] std::unique_ptr<store::Database> open_store(const std::string& location, StoreAccess access) const;
  // A runner that plans on `reader` and writes through `writer`, on the root's clock.
  [[nodiscard]] sync::Runner runner(store::Database& reader, store::Writer& writer) const;
  [[nodiscard]] std::span<const sync::DatasetType> datasets() const override { return m_datasets; }

 private:
  std::span<const sources::SourceType> m_types;
  std::vector<config::SourceTypeSchema> m_schemas;
  const core::Clock& m_clock;
  std::span<const sync::DatasetType> m_datasets;
};

}  // namespace rosterd::app
