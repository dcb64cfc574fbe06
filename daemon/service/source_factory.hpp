#pragma once
// What the daemon is given to read its configuration and build its sources, at start
// and at every reload. The composition root (app/root.hpp) implements it, so that the
// daemon never learns which source types exist or how a source's transport is made.

#include <memory>
#include <span>
#include <string>

#include "config/config.hpp"
#include "sync/runner.hpp"

namespace rosterd::service {

class SourceFactory {
 public:
  virtual ~SourceFactory() = default;

  // Reads and validates the file against the schemas of the source types this factory
  // builds. Throws config::ConfigError.
  [[nodiscard]] virtual config::Config load_config(const std::string& path) const = 0;

  // A source ready for runs, as sync::Runner takes it. The handle owns what it refers
  // to (the source object, its transport, its configuration): a run that holds it keeps
  // them alive through a reload that replaces the source. Throws config::ConfigError.
  [[nodiscard]] virtual std::shared_ptr<const sync::SourceHandle> build_source(
      const config::SourceConfig& config) const = 0;

  // The dataset table the daemon's runners use (sync/datasets/table.hpp).
  [[nodiscard]] virtual std::span<const sync::DatasetType> datasets() const = 0;
};

}  // namespace rosterd::service
